/* cmd_port_kill.c: errwhy port PORT --kill, the one subcommand that acts. It refuses whenever
 * it cannot see the whole picture (a process it may not read, a holder that a service manager
 * or a container runs), asks before it signals, and looks again afterwards for a holder that
 * something starts anew. The signalling itself is ew_port_stop()'s: through pidfds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "port.h"

/* Whether something other than a person runs h: a systemd service (which may restart it), a
 * container, or docker-proxy (which belongs to one). A scope is only a group of processes
 * that something else started (a login, a terminal app), so it is not counted. */
static bool managed(const struct ew_port_holder *h)
{
	size_t n = h->unit ? strlen(h->unit) : 0;

	return h->proxy_to || h->container_runtime ||
	       (n > 8 && strcmp(h->unit + n - 8, ".service") == 0);
}

/* How to stop what runs h instead of h itself: one sentence; false if nothing runs it. */
static bool stop_advice(struct ew_buf *b, const struct ew_port_holder *h, uint16_t port)
{
	if (h->proxy_to) {
		ew_buf_puts(b, "it is docker-proxy, which forwards the port to the container at ");
		ew_buf_put_escaped(b, h->proxy_to);
		ew_buf_printf(b, ": stop that container (`docker ps --filter publish=%u`, then "
				 "`docker stop ID`); killing docker-proxy leaves the container "
				 "running with a dead port mapping",
			      port);
	} else if (h->container_runtime) {
		ew_buf_puts(b, "it runs in a ");
		ew_buf_put_escaped(b, h->container_runtime);
		ew_buf_printf(b, " container: stop the container (`%s stop ",
			      strcmp(h->container_runtime, "podman") == 0 ? "podman" : "docker");
		if (h->container_id)
			ew_buf_append_escaped(b, h->container_id, strlen(h->container_id), 12);
		else
			ew_buf_puts(b, "ID");
		ew_buf_puts(b, "`)");
	} else if (managed(h)) {
		ew_buf_printf(b, "it belongs to the systemd %s ", h->user_unit ? "user unit" : "unit");
		ew_buf_put_escaped(b, h->unit);
		ew_buf_printf(b, ", which may start it again: stop the unit (`systemctl%s stop ",
			      h->user_unit ? " --user" : "");
		ew_buf_put_escaped(b, h->unit);
		ew_buf_puts(b, "`)");
	} else {
		return false;
	}
	return true;
}

static void holder_name(struct ew_buf *b, const struct ew_port_holder *h)
{
	ew_buf_printf(b, "pid %d (", h->pid);
	ew_buf_put_escaped(b, h->comm[0] ? h->comm : "?");
	ew_buf_putc(b, ')');
}

static bool is_holder(const struct ew_port_report *r, int pid)
{
	for (size_t i = 0; i < r->n_procs; i++)
		if (r->procs[i]->pid == pid)
			return true;
	return false;
}

/* Whether pid is among the processes whose open files errwhy could not read. */
static bool unreadable(const struct ew_port_report *r, int pid)
{
	for (unsigned i = 0; i < r->unreadable; i++)
		if (r->unreadable_pids && r->unreadable_pids[i] == pid)
			return true;
	return false;
}

/* The holders' parents that are no holders themselves but may be: a master process that
 * owns the socket (uid of the socket's creator) whose open files errwhy could not read. */
static void name_masters(struct ew_buf *b, const struct ew_port_report *r)
{
	for (size_t i = 0; i < r->n_procs; i++) {
		int ppid = r->procs[i]->ppid;
		struct ew_port_holder parent;
		bool owner = false, told = false;

		if (ppid <= 1 || is_holder(r, ppid))
			continue;
		for (size_t k = 0; k < i && !told; k++)
			told = r->procs[k]->ppid == ppid;
		if (told || ew_port_holder_read(ppid, &parent) < 0)
			continue;
		for (size_t s = 0; s < r->n_sockets; s++)
			owner |= r->sockets[s].inode && r->sockets[s].uid == parent.uid;
		if (owner || unreadable(r, ppid)) {
			ew_buf_puts(b, "\n");
			holder_name(b, &parent);
			ew_buf_printf(b, ", the parent of pid %d, runs as uid %u", r->procs[i]->pid,
				      (unsigned)parent.uid);
			ew_buf_puts(b, owner ? ", which owns the socket" : ", and its open files "
					       "could not be read");
			ew_buf_puts(b, ": it is probably the master process that holds the socket "
				       "too, and it would start new workers.");
		}
		ew_port_holder_clear(&parent);
	}
}

/* Whether every socket's owner is among the holders errwhy can see. */
static bool owners_visible(const struct ew_port_report *r)
{
	for (size_t s = 0; s < r->n_sockets; s++) {
		bool seen = false;
		if (!r->sockets[s].inode)
			continue;
		for (size_t i = 0; i < r->n_procs && !seen; i++)
			seen = r->procs[i]->uid == r->sockets[s].uid;
		if (!seen)
			return false;
	}
	return true;
}

/* Whether what errwhy could not see may hold the port too: a socket whose owner is no
 * visible holder (a root master of nobody workers), or a holder's parent it could not read
 * (a master with other credentials). An unreadable process elsewhere (some other user's
 * daemon) changes nothing; PID 1 is never signalled and stands apart. */
static bool sight_partial(const struct ew_port_report *r)
{
	if (!r->unreadable && r->proc_view == EW_PROC_FULL)
		return false;
	if (!owners_visible(r))
		return true;
	for (size_t i = 0; i < r->n_procs; i++)
		if (r->procs[i]->ppid > 1 && unreadable(r, r->procs[i]->ppid))
			return true;
	return false;
}

/* Refuses when errwhy sees only part of the holders: stopping some would free nothing (a
 * master restarts its workers). Appends why to b and returns true. */
static bool refuse_partial(struct ew_buf *b, const struct ew_port_report *r, uint16_t port)
{
	if (!sight_partial(r))
		return false;
	ew_buf_printf(b, "\nrefusing to stop the holders of port %u: ", port);
	if (r->unreadable)
		ew_buf_printf(b, "errwhy could not read the open files of %u process%s, ",
			      r->unreadable, r->unreadable > 1 ? "es" : "");
	else
		ew_buf_puts(b, "/proc hides other users' processes (hidepid), ");
	ew_buf_puts(b, "so it cannot tell every process that holds the socket, and stopping "
		       "only those it sees may not free the port.");
	name_masters(b, r);
	if (r->caller_uid != 0)
		ew_buf_printf(b, "\nRun `sudo errwhy port %u --kill` to see and stop them all.", port);
	ew_buf_putc(b, '\n');
	return true;
}

/* Refuses to signal what a service manager or a container runs, unless --force-managed. */
static bool refuse_managed(struct ew_buf *b, const struct ew_port_report *r,
			   const struct port_options *o)
{
	bool any = false;

	for (size_t i = 0; i < r->n_procs; i++) {
		if (!managed(r->procs[i]))
			continue;
		if (!any)
			ew_buf_printf(b, "\n%s the holders of port %u: ",
				      o->force_managed ? "--force-managed: stopping" : "refusing to stop",
				      o->port);
		ew_buf_putc(b, '\n');
		holder_name(b, r->procs[i]);
		ew_buf_puts(b, ": ");
		stop_advice(b, r->procs[i], o->port);
		ew_buf_putc(b, '.');
		any = true;
	}
	if (any && !o->force_managed)
		ew_buf_puts(b, "\nTo signal the processes themselves anyway, add --force-managed.");
	if (any)
		ew_buf_putc(b, '\n');
	return any && !o->force_managed;
}

/* For a holder errwhy never signals: why, and for PID 1 what to do instead. */
static void refuse_unsignallable(struct ew_buf *b, const struct ew_port_holder *h,
				 const char *why, uint16_t port)
{
	struct ew_port_holder init;

	ew_buf_puts(b, "\nrefusing to stop ");
	holder_name(b, h);
	ew_buf_printf(b, ": it is %s.\n", why);
	if (h->pid != 1)
		return;
	/* Socket activation is systemd's; elsewhere PID 1 is often the server itself. */
	if (ew_port_holder_read(1, &init) == 0 && strcmp(init.comm, "systemd") == 0)
		ew_buf_printf(b, "systemd holds the socket for a service it starts on demand: stop "
				 "the .socket unit (systemctl list-sockets | grep %u).\n",
			      port);
	else
		ew_buf_puts(b, "PID 1 here is the program itself, as in a container or a PID "
			       "namespace: stop it through what started it (docker stop, podman "
			       "stop, or the process that made the namespace).\n");
	ew_port_holder_clear(&init);
}

/* Asks on the terminal; true for y or yes. The names are outside data: escaped. */
static bool confirm(const struct ew_port_report *r, int sig)
{
	struct ew_buf q;
	char answer[16];
	bool ok;

	ew_buf_init(&q);
	ew_buf_printf(&q, "Send %s to %zu process%s (", ew_signal_name(sig), r->n_procs,
		      r->n_procs > 1 ? "es" : "");
	for (size_t i = 0; i < r->n_procs; i++) {
		if (i)
			ew_buf_puts(&q, ", ");
		ew_buf_put_escaped(&q, r->procs[i]->comm);
		ew_buf_printf(&q, " %d", r->procs[i]->pid);
		if (managed(r->procs[i])) {
			ew_buf_puts(&q, ", in ");
			ew_buf_put_escaped(&q, r->procs[i]->unit ? r->procs[i]->unit
					       : r->procs[i]->container_runtime);
		}
	}
	ew_buf_puts(&q, ")? [y/N] ");
	ok = !q.failed && fputs(q.data, stderr) >= 0 && fflush(stderr) == 0;
	ew_buf_free(&q);
	if (!ok || !fgets(answer, sizeof(answer), stdin))
		return false;
	answer[strcspn(answer, "\n")] = '\0';
	return strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0;
}

/* A holder of after that was not among the processes stopped: something started it anew. */
static const struct ew_port_holder *newcomer(const struct ew_port_report *after,
					     const struct ew_port_stop_result *res, size_t n)
{
	for (size_t i = 0; i < after->n_procs; i++) {
		bool old = false;
		for (size_t k = 0; k < n && !old; k++)
			old = res[k].pid == after->procs[i]->pid;
		if (!old)
			return after->procs[i];
	}
	return NULL;
}

/* Looks at the port for o->settle seconds after the holders are gone: a supervisor (a shell
 * loop, systemd Restart=, a container's restart policy) starts the server again within
 * moments, and "free" would then be a false answer. */
static int watch_after(const struct port_options *o, const struct ew_port_stop_result *res,
		       size_t n, struct ew_port_report **after, double *when)
{
	double start = port_now();
	int ret;

	for (;;) {
		*when = port_now() - start;
		ret = port_build(o, EW_PORT_ALL_HOLDERS, after);
		if (ret < 0)
			return ret;
		if ((*after)->verdict == EW_PORT_IN_USE && newcomer(*after, res, n))
			return 0;
		if ((*after)->verdict == EW_PORT_IN_USE || *when >= o->settle)
			return 0;
		ew_port_report_free(*after);
		*after = NULL;
		usleep(100000);
	}
}

static void say_respawn(struct ew_buf *b, const struct port_options *o,
			const struct ew_port_report *before, const struct ew_port_holder *h,
			double when)
{
	struct ew_port_holder parent;

	ew_buf_printf(b, "Port %u was taken again %.1f s after the holders were stopped, by ",
		      o->port, when);
	holder_name(b, h);
	ew_buf_puts(b, ": something starts it anew. ");
	if (stop_advice(b, h, o->port)) {
		ew_buf_puts(b, ".\n");
		return;
	}
	for (size_t i = 0; i < before->n_procs; i++)
		if (stop_advice(b, before->procs[i], o->port)) {
			ew_buf_puts(b, ".\n");
			return;
		}
	if (h->ppid > 1 && ew_port_holder_read(h->ppid, &parent) == 0) {
		ew_buf_puts(b, "Its parent, ");
		holder_name(b, &parent);
		ew_buf_puts(b, ", started it: stop that process, or what runs it, instead.\n");
		ew_port_holder_clear(&parent);
	} else {
		ew_buf_puts(b, "Stop what starts it (a service manager or a loop) instead.\n");
	}
}

/* After the holders are gone: the port's state, and for a holder that came back, why. */
static int after_kill(const struct port_options *o, const struct ew_port_report *before,
		      struct ew_port_stop_result *res, struct ew_buf *b)
{
	struct ew_port_report *after = NULL;
	const struct ew_port_holder *again;
	struct ew_text_style st = {.width = ew_cli_width(), .color = false};
	double when;
	int ret = watch_after(o, res, before->n_procs, &after, &when), code;

	if (ret < 0)
		return port_fail(ret, "cannot list the sockets again");
	again = after->verdict == EW_PORT_IN_USE ? newcomer(after, res, before->n_procs) : NULL;
	if (o->json) {
		ret = ew_render_port_stop_json(b, res, before->n_procs, o->signal, after,
					       isatty(STDOUT_FILENO));
	} else {
		ret = ew_render_port_stop_text(b, res, before->n_procs, o->signal);
		ew_buf_putc(b, '\n');
		ew_render_port_verdict_wrapped(b, "Now: ", after, &st);
		if (again)
			say_respawn(b, o, before, again, when);
	}
	code = ret < 0 ? port_fail(ret, "cannot write the outcome") : port_exit_for(after, o->strict);
	if (again)
		code = EW_EXIT_NO;
	ew_port_report_free(after);
	return code;
}

/* The reasons not to signal anything, each appended to b; true when one holds. */
static bool refused(struct ew_buf *b, const struct ew_port_report *r, const struct port_options *o,
		    const struct ew_text_style *st)
{
	for (size_t i = 0; i < r->n_procs; i++) {
		const char *why;
		if (ew_port_may_signal(r->procs[i]->pid, &why) < 0) {
			ew_render_port_text(b, r, st);
			refuse_unsignallable(b, r->procs[i], why, o->port);
			return true;
		}
	}
	if (!o->json)
		ew_render_port_text(b, r, st);
	if (refuse_partial(b, r, o->port))
		return true;
	return refuse_managed(b, r, o);
}

/* Nothing errwhy can stop: the port is free or lingering, or its holders are out of sight. */
static int nothing_to_stop(const struct port_options *o, const struct ew_port_report *r,
			   struct ew_buf *b, bool *json_out)
{
	if (r->hidden_holders) {
		ew_buf_printf(b, "cannot stop what holds port %u: ", o->port);
		ew_render_port_verdict(b, r);
		ew_buf_putc(b, '\n');
		return EW_EXIT_NO;
	}
	if (o->json) {
		*json_out = true;
		if (ew_render_port_stop_json(b, NULL, 0, o->signal, r, isatty(STDOUT_FILENO)) < 0)
			return port_fail(-ENOMEM, "cannot write the outcome");
		return port_exit_for(r, o->strict);
	}
	ew_buf_puts(b, "nothing to stop: ");
	ew_render_port_verdict(b, r);
	ew_buf_putc(b, '\n');
	return port_exit_for(r, o->strict);
}

/* Whether to go ahead: --yes, or a y on the terminal. b holds what to show first. */
static int ask(const struct port_options *o, const struct ew_port_report *r, struct ew_buf *b)
{
	int code;

	if (o->yes)
		return EW_EXIT_OK;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
		ew_buf_puts(b, "\nrefusing to signal without --yes: there is no terminal to ask on\n");
		return EW_EXIT_NO;
	}
	code = ew_cli_write(b);
	b->len = 0;
	if (code != EW_EXIT_OK)
		return code;
	if (!confirm(r, o->signal)) {
		ew_buf_puts(b, "not confirmed; nothing was signalled\n");
		return EW_EXIT_NO;
	}
	return EW_EXIT_OK;
}

int port_cmd_kill(const struct port_options *o)
{
	struct ew_port_report *r;
	struct ew_port_stop_result *res = NULL;
	struct ew_text_style st = {.width = ew_cli_width(), .color = ew_cli_use_color(o->color)};
	struct ew_buf b;
	double timeout = o->timeout >= 0 ? o->timeout : 10;
	bool json_out = false; /* b holds JSON: for stdout; else words, for stderr with --json */
	int ret, code;

	/* Completeness matters here: every process is read, so none that shares the socket
	 * is left running. */
	ret = port_build(o, EW_PORT_ALL_HOLDERS, &r);
	if (ret < 0)
		return port_fail(ret, "cannot list the sockets");
	ew_buf_init(&b);
	if (r->n_procs == 0) {
		code = nothing_to_stop(o, r, &b, &json_out);
		goto out;
	}
	if (refused(&b, r, o, &st)) {
		code = EW_EXIT_NO;
		goto out;
	}
	if ((code = ask(o, r, &b)) != EW_EXIT_OK)
		goto out;
	res = calloc(r->n_procs, sizeof(*res));
	if (!res) {
		code = ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
		goto out;
	}
	/* In milliseconds, in 64 bits: ten million seconds fit, with no wrap to "at once". */
	ret = ew_port_stop(r, o->signal, (uint64_t)(timeout * 1000.0), res);
	if (ret < 0) {
		code = port_fail(ret, "cannot stop the holders");
		goto out;
	}
	if (!o->json)
		ew_buf_putc(&b, '\n');
	code = after_kill(o, r, res, &b);
	json_out = o->json;
out:
	if (b.len && o->json && !json_out) {
		/* A refusal under --json: no JSON on stdout, the words on stderr. */
		fputs(b.data, stderr);
	} else if (b.len || b.failed) {
		int w = ew_cli_write(&b);
		if (w != EW_EXIT_OK)
			code = w;
	}
	ew_buf_free(&b);
	free(res);
	ew_port_report_free(r);
	return code;
}
