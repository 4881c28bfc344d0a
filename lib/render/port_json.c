/* port_json.c: a port report as JSON, in the shape errwhy(1) documents:
 * {"port":3000,"sockets":[{...,"holders":[...]}],"verdict":"in_use","hidden_holders":false}. */
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "render.h"

/* A string or null. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* "2026-11-23T10:00:00Z" */
static json_t *utc_time(int64_t t)
{
	char text[32];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0 || !gmtime_r(&tt, &tm) || !strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(text);
}

static json_t *holder_json(const struct ew_port_holder *h)
{
	json_t *o = json_object(), *argv = json_array(), *container = json_null();

	for (size_t i = 0; i < h->argc; i++)
		json_array_append_new(argv, json_string(h->argv[i]));
	if (h->container_runtime)
		container = json_pack("{s:s, s:o, s:o}", "runtime", h->container_runtime, "id",
				      str_or_null(h->container_id), "address",
				      str_or_null(h->proxy_to));
	json_object_set_new(o, "pid", json_integer(h->pid));
	json_object_set_new(o, "comm", h->comm[0] ? json_string(h->comm) : json_null());
	json_object_set_new(o, "cmdline", argv);
	json_object_set_new(o, "user", str_or_null(h->user));
	json_object_set_new(o, "uid", h->comm[0] ? json_integer(h->uid) : json_null());
	json_object_set_new(o, "started", utc_time(h->started));
	json_object_set_new(o, "unit", str_or_null(h->unit));
	json_object_set_new(o, "user_unit", json_boolean(h->user_unit));
	json_object_set_new(o, "container", container ? container : json_null());
	json_object_set_new(o, "terminal", str_or_null(h->terminal));
	json_object_set_new(o, "session", json_integer(h->session));
	json_object_set_new(o, "ppid", json_integer(h->ppid));
	return o;
}

static json_t *socket_json(const struct ew_port_socket *s)
{
	json_t *o = json_object(), *holders = json_array();

	for (size_t i = 0; i < s->n_holders; i++)
		json_array_append_new(holders, holder_json(s->holders[i]));
	json_object_set_new(o, "proto", json_string(s->proto == IPPROTO_UDP ? "udp" : "tcp"));
	json_object_set_new(o, "family", json_string(s->family == AF_INET6 ? "inet6" : "inet"));
	json_object_set_new(o, "local", json_string(s->local));
	json_object_set_new(o, "port", json_integer(s->port));
	json_object_set_new(o, "remote", s->remote[0] ? json_string(s->remote) : json_null());
	json_object_set_new(o, "remote_port", s->remote[0] ? json_integer(s->remote_port)
							   : json_null());
	/* ss's words for UDP, whose kernel states (CLOSE, ESTABLISHED) read wrong. */
	if (s->proto == IPPROTO_UDP)
		json_object_set_new(o, "state", json_string(s->remote[0] ? "CONNECTED" : "UNCONN"));
	else if (s->state == 7 || s->state == 13) /* bound, neither listening nor connected */
		json_object_set_new(o, "state", json_string("BOUND"));
	else
		json_object_set_new(o, "state", json_string(ew_port_state_name(s->state)));
	json_object_set_new(o, "v6only", s->v6only < 0 ? json_null() : json_boolean(s->v6only));
	json_object_set_new(o, "inode", json_integer((json_int_t)s->inode));
	json_object_set_new(o, "uid", json_integer(s->uid));
	json_object_set_new(o, "timer_s", s->timer_s < 0 ? json_null() : json_integer(s->timer_s));
	json_object_set_new(o, "holders", holders);
	return o;
}

json_t *ew_port_report_json(const struct ew_port_report *r)
{
	json_t *o = json_object(), *sockets = json_array();
	struct ew_buf summary;

	for (size_t i = 0; i < r->n_sockets; i++)
		json_array_append_new(sockets, socket_json(&r->sockets[i]));
	ew_buf_init(&summary);
	ew_render_port_verdict(&summary, r);
	json_object_set_new(o, "port", json_integer(r->port));
	json_object_set_new(o, "sockets", sockets);
	json_object_set_new(o, "verdict", json_string(ew_port_verdict_key(r->verdict)));
	json_object_set_new(o, "summary", summary.failed ? json_null() : json_string(summary.data));
	json_object_set_new(o, "hidden_holders", json_boolean(r->hidden_holders));
	json_object_set_new(o, "all_holders", json_boolean(r->complete));
	json_object_set_new(o, "unreadable_processes", json_integer(r->unreadable));
	json_object_set_new(o, "reuseaddr_bindable",
			    r->bindable_reuse < 0 ? json_null() : json_boolean(r->bindable_reuse));
	ew_buf_free(&summary);
	return o;
}

int ew_render_port_json(struct ew_buf *b, const struct ew_port_report *r, bool pretty)
{
	return ew_json_dump(b, ew_port_report_json(r), pretty);
}

int ew_render_port_stop_json(struct ew_buf *b, const struct ew_port_stop_result *res,
			     size_t n, int sig, const struct ew_port_report *after, bool pretty)
{
	json_t *o = json_object(), *stopped = json_array();
	const char *name = sigabbrev_np(sig);
	char signame[16];

	snprintf(signame, sizeof(signame), "SIG%s", name ? name : "?");
	for (size_t i = 0; i < n; i++) {
		const struct ew_port_stop_result *x = &res[i];
		json_array_append_new(
			stopped,
			json_pack("{s:i, s:s, s:o, s:b, s:b, s:b, s:o}", "pid", x->pid, "comm",
				  x->comm, "signal", x->signalled ? json_string(signame) : json_null(),
				  "sigkill", x->killed, "exited", x->exited, "refused",
				  x->error == -EPERM && !x->signalled, "error",
				  x->error ? json_string(strerror(-x->error)) : json_null()));
	}
	json_object_set_new(o, "port", json_integer(after ? after->port : 0));
	json_object_set_new(o, "stopped", stopped);
	json_object_set_new(o, "after", after ? ew_port_report_json(after) : json_null());
	return ew_json_dump(b, o, pretty);
}
