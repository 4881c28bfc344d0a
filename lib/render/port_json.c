/* port_json.c: a port report as JSON, in the shape errwhy(1) documents:
 * {"port":3000,"sockets":[{...,"holders":[...]}],"verdict":"in_use","hidden_holders":false}.
 * Text from other processes is kept whole: a string that is not UTF-8 is given with U+FFFD in
 * place of each bad byte, and its exact bytes in hex beside it (NAME_bytes). */
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "json_text.h"
#include "render.h"

static json_t *hex(const char *s)
{
	size_t n = strlen(s);
	char *text = malloc(n * 2 + 1);
	json_t *v;

	if (!text)
		return NULL;
	for (size_t i = 0; i < n; i++)
		snprintf(text + 2 * i, 3, "%02x", (unsigned char)s[i]);
	text[2 * n] = '\0';
	v = json_string(text);
	free(text);
	return v;
}

/* key: the text (or null), and key_bytes beside it when the text is not UTF-8. */
static bool set_text(json_t *o, const char *key, const char *s)
{
	char bytes_key[64];

	if (!s)
		return ew_json_set(o, key, json_null());
	if (!ew_json_set(o, key, ew_json_text(s)))
		return false;
	if (ew_utf8_valid(s, strlen(s)))
		return true;
	snprintf(bytes_key, sizeof(bytes_key), "%s_bytes", key);
	return ew_json_set(o, bytes_key, hex(s));
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

/* "cmdline": every argument, in place; "cmdline_bytes" too when one is not UTF-8. */
static bool set_cmdline(json_t *o, const struct ew_port_holder *h)
{
	json_t *argv = json_array(), *bytes = NULL;
	bool ok = argv != NULL, raw = false;

	for (size_t i = 0; i < h->argc; i++) {
		ok = ok && ew_json_append(argv, ew_json_text(h->argv[i]));
		raw |= !ew_utf8_valid(h->argv[i], strlen(h->argv[i]));
	}
	ok = ew_json_set(o, "cmdline", argv) && ok;
	if (!raw || !ok)
		return ok;
	bytes = json_array();
	for (size_t i = 0; i < h->argc; i++)
		ok = ok && ew_json_append(bytes, hex(h->argv[i]));
	return ew_json_set(o, "cmdline_bytes", bytes) && ok;
}

static json_t *holder_json(const struct ew_port_holder *h)
{
	json_t *o = json_object(), *container = json_null();
	bool ok = o != NULL;

	if (h->container_runtime) {
		container = json_object();
		ok = ok && set_text(container, "runtime", h->container_runtime) &&
		     set_text(container, "id", h->container_id) &&
		     set_text(container, "address", h->proxy_to);
	}
	ok = ok && ew_json_set(o, "pid", json_integer(h->pid)) &&
	     set_text(o, "comm", h->comm[0] ? h->comm : NULL) && set_cmdline(o, h) &&
	     set_text(o, "user", h->user) &&
	     ew_json_set(o, "uid", h->comm[0] ? json_integer(h->uid) : json_null()) &&
	     ew_json_set(o, "started", utc_time(h->started)) && set_text(o, "unit", h->unit) &&
	     ew_json_set(o, "user_unit", json_boolean(h->user_unit));
	ok = ew_json_set(o, "container", container) && ok; /* always: it takes container */
	ok = ok && set_text(o, "terminal", h->terminal) &&
	     ew_json_set(o, "session", json_integer(h->session)) && ew_json_set(o, "ppid", json_integer(h->ppid));
	return ew_json_ok(o, ok);
}

static const char *state_text(const struct ew_port_socket *s)
{
	/* ss's words for UDP, whose kernel states (CLOSE, ESTABLISHED) read wrong. */
	if (s->proto == IPPROTO_UDP)
		return s->remote[0] ? "CONNECTED" : "UNCONN";
	if (s->state == 7 || s->state == 13) /* bound, neither listening nor connected */
		return "BOUND";
	return ew_port_state_name(s->state);
}

static json_t *socket_json(const struct ew_port_socket *s)
{
	json_t *o = json_object(), *holders = json_array();
	bool ok = o && holders;

	for (size_t i = 0; i < s->n_holders; i++)
		ok = ok && ew_json_append(holders, holder_json(s->holders[i]));
	ok = ok && ew_json_set(o, "proto", json_string(s->proto == IPPROTO_UDP ? "udp" : "tcp")) &&
	     ew_json_set(o, "family", json_string(s->family == AF_INET6 ? "inet6" : "inet")) &&
	     ew_json_set(o, "local", json_string(s->local)) && ew_json_set(o, "port", json_integer(s->port)) &&
	     ew_json_set(o, "remote", s->remote[0] ? json_string(s->remote) : json_null()) &&
	     ew_json_set(o, "remote_port", s->remote[0] ? json_integer(s->remote_port) : json_null()) &&
	     ew_json_set(o, "state", json_string(state_text(s))) &&
	     ew_json_set(o, "v6only", s->v6only < 0 ? json_null() : json_boolean(s->v6only)) &&
	     ew_json_set(o, "inode", json_integer((json_int_t)s->inode)) &&
	     ew_json_set(o, "uid", json_integer(s->uid)) &&
	     ew_json_set(o, "timer_s", s->timer_s < 0 ? json_null() : json_integer(s->timer_s));
	ok = ew_json_set(o, "holders", holders) && ok;
	return ew_json_ok(o, ok);
}

static json_t *tri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

/* The trial binds: {"reuseaddr": true, "strict": false, "unknown_reason": null}. */
static json_t *bindable_json(const struct ew_port_report *r)
{
	json_t *o = json_object();
	bool unknown = r->trial_error != 0;
	bool ok = ew_json_set(o, "reuseaddr", tri(r->bindable_reuse)) &&
		  ew_json_set(o, "strict", tri(r->bindable_strict)) &&
		  ew_json_set(o, "unknown_reason", unknown ? json_string(ew_port_strerror(r->trial_error))
						   : json_null());
	return ew_json_ok(o, ok);
}

json_t *ew_port_report_json(const struct ew_port_report *r)
{
	json_t *o = json_object(), *sockets = json_array(), *protocols = json_object();
	struct ew_buf summary;
	bool ok = o && sockets && protocols;

	for (size_t i = 0; i < r->n_sockets; i++)
		ok = ok && ew_json_append(sockets, socket_json(&r->sockets[i]));
	if (r->protos & EW_PORT_TCP)
		ok = ok && ew_json_set(protocols, "tcp", json_string(ew_port_verdict_key(r->tcp)));
	if (r->protos & EW_PORT_UDP)
		ok = ok && ew_json_set(protocols, "udp", json_string(ew_port_verdict_key(r->udp)));
	ew_buf_init(&summary);
	ew_render_port_verdict(&summary, r);
	ok = ok && !summary.failed;
	/* sockets and protocols go in first and always, since ew_json_set() takes them either way. */
	ok = ew_json_set(o, "port", json_integer(r->port)) && ok;
	ok = ew_json_set(o, "sockets", sockets) && ok;
	ok = ew_json_set(o, "protocols", protocols) && ok;
	ok = ok && ew_json_set(o, "verdict", json_string(ew_port_verdict_key(r->verdict))) &&
	     ew_json_set(o, "summary", json_string(summary.data ? summary.data : "")) &&
	     ew_json_set(o, "hidden_holders", json_boolean(r->hidden_holders)) &&
	     ew_json_set(o, "all_holders", json_boolean(r->complete)) &&
	     ew_json_set(o, "proc_view", json_string(ew_port_proc_view_key(r->proc_view))) &&
	     ew_json_set(o, "unreadable_processes", json_integer(r->unreadable)) &&
	     ew_json_set(o, "reuseaddr_bindable", tri(r->bindable_reuse)) &&
	     ew_json_set(o, "bindable", bindable_json(r)) &&
	     ew_json_set(o, "unprivileged_port_start", r->unprivileged_port_start < 0
							? json_null()
							: json_integer(r->unprivileged_port_start)) &&
	     ew_json_set(o, "needs_privilege", json_boolean(r->needs_privilege));
	ew_buf_free(&summary);
	return ew_json_ok(o, ok);
}

int ew_render_port_json(struct ew_buf *b, const struct ew_port_report *r, bool pretty)
{
	if (!b || !r)
		return -EINVAL;
	return ew_json_dump(b, ew_port_report_json(r), pretty);
}

static json_t *stop_json(const struct ew_port_stop_result *x, const char *signame)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "pid", json_integer(x->pid)) &&
		  set_text(o, "comm", x->comm[0] ? x->comm : NULL) &&
		  ew_json_set(o, "signal", x->signalled && signame ? json_string(signame) : json_null()) &&
		  ew_json_set(o, "sigkill", json_boolean(x->killed)) &&
		  ew_json_set(o, "exited", json_boolean(x->exited)) &&
		  ew_json_set(o, "refused", json_boolean(x->error == -EPERM && !x->signalled)) &&
		  ew_json_set(o, "error", x->error ? json_string(ew_port_strerror(x->error)) : json_null());
	return ew_json_ok(o, ok);
}

int ew_render_port_stop_json(struct ew_buf *b, const struct ew_port_stop_result *res,
			     size_t n, int sig, const struct ew_port_report *after, bool pretty)
{
	json_t *o, *stopped;
	bool ok;

	if (!b || (!res && n))
		return -EINVAL;
	o = json_object();
	stopped = json_array();
	ok = o && stopped;
	for (size_t i = 0; i < n; i++)
		ok = ok && ew_json_append(stopped, stop_json(&res[i], ew_signal_name(sig)));
	ok = ew_json_set(o, "port", json_integer(after ? after->port : 0)) && ok;
	ok = ew_json_set(o, "stopped", stopped) && ok;
	ok = ok && ew_json_set(o, "after", after ? ew_port_report_json(after) : json_null());
	return ew_json_dump(b, ew_json_ok(o, ok), pretty);
}
