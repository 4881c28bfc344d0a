/* port_text.c: a port report in words for a terminal: each socket, who holds it, and the
 * verdict. Also the "On this machine" section of errwhy EADDRINUSE --port P. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"

enum { ST_ESTABLISHED = 1, ST_TIME_WAIT = 6, ST_CLOSE = 7, ST_LISTEN = 10, ST_BOUND = 13 };

/* The connections listed one by one before the rest are counted. */
#define MAX_CONNECTIONS 8

/* "[::1]:3000" or "127.0.0.1:3000". */
static void endpoint(struct ew_buf *b, int family, const char *addr, unsigned port)
{
	if (family == AF_INET6)
		ew_buf_printf(b, "[%s]:%u", addr, port);
	else
		ew_buf_printf(b, "%s:%u", addr, port);
}

/* "3 min ago", from a start time in seconds since the epoch. */
static void age(struct ew_buf *b, int64_t started)
{
	long long d = (long long)(time(NULL) - started);

	if (d < 0)
		d = 0;
	if (d < 120)
		ew_buf_printf(b, "%lld s ago", d);
	else if (d < 2 * 3600)
		ew_buf_printf(b, "%lld min ago", d / 60);
	else if (d < 2 * 86400)
		ew_buf_printf(b, "%lld h ago", d / 3600);
	else
		ew_buf_printf(b, "%lld days ago", d / 86400);
}

static const char *proto_name(const struct ew_port_socket *s)
{
	return s->proto == IPPROTO_UDP ? "udp" : "tcp";
}

static const char *state_name(const struct ew_port_socket *s)
{
	/* An unconnected UDP socket is "UNCONN" in ss; CLOSE would read as if it were gone. */
	if (s->proto == IPPROTO_UDP)
		return s->remote[0] ? "CONNECTED" : "UNCONN";
	/* Linux 6.9+ lists TCP sockets that are bound but neither listening nor connected,
	 * in state CLOSE: they hold the port all the same. */
	if (s->state == ST_CLOSE || s->state == ST_BOUND)
		return "BOUND";
	return ew_port_state_name(s->state);
}

/* "node (pid 4121, uid 1000, started 3 min ago)": a holder in one breath. */
static void holder_brief(struct ew_buf *b, const struct ew_port_holder *h)
{
	ew_buf_printf(b, "%s (pid %d", h->comm[0] ? h->comm : "?", h->pid);
	if (h->comm[0])
		ew_buf_printf(b, ", uid %u", (unsigned)h->uid);
	if (h->started >= 0) {
		ew_buf_puts(b, ", started ");
		age(b, h->started);
	}
	ew_buf_putc(b, ')');
}

/* Who answers for a process: its systemd unit, its container, or its terminal. */
static void responsible(struct ew_buf *b, const struct ew_port_holder *h)
{
	if (h->proxy_to)
		ew_buf_printf(b, "docker-proxy: forwards to the container at %s", h->proxy_to);
	else if (h->container_runtime)
		ew_buf_printf(b, "%s container %.12s", h->container_runtime,
			      h->container_id ? h->container_id : "?");
	else if (h->unit)
		ew_buf_printf(b, "%s %s", h->user_unit ? "user unit" : "systemd unit", h->unit);
	else if (h->terminal)
		ew_buf_printf(b, "terminal %s, session %d", h->terminal, h->session);
	else
		ew_buf_printf(b, "no terminal, session %d", h->session);
}

/* The command line on one line: arguments with spaces quoted, control characters escaped,
 * cut with "..." past room columns (a JVM's class path is no help here). */
static void command_line(struct ew_buf *b, const struct ew_port_holder *h, size_t room)
{
	size_t start = b->len;

	for (size_t i = 0; i < h->argc && b->len - start < room; i++) {
		const char *a = h->argv[i];
		bool quote = !a[0] || strpbrk(a, " \t'\"$") != NULL;

		if (i)
			ew_buf_putc(b, ' ');
		if (quote)
			ew_buf_putc(b, '\'');
		for (; *a; a++) {
			unsigned char c = (unsigned char)*a;
			if (c == '\n')
				ew_buf_puts(b, "\\n");
			else if (c < 0x20 || c == 0x7f)
				ew_buf_printf(b, "\\x%02x", c);
			else if (c == '\'' && quote)
				ew_buf_puts(b, "'\\''");
			else
				ew_buf_putc(b, (char)c);
		}
		if (quote)
			ew_buf_putc(b, '\'');
	}
	if (b->len - start > room && !b->failed) {
		b->len = start + room - 3;
		/* Not in the middle of a UTF-8 character. */
		while (b->len > start && ((unsigned char)b->data[b->len] & 0xc0) == 0x80)
			b->len--;
		ew_buf_puts(b, "...");
	}
}

/* The full description of a holder, the first time it appears. */
static void holder_full(struct ew_buf *b, const struct ew_port_holder *h,
			const struct ew_text_style *st)
{
	ew_buf_printf(b, "      pid %-7d ", h->pid);
	if (h->argc) {
		size_t room = st->width > 40 + 18 ? st->width - 18 : 40;
		command_line(b, h, room);
	} else {
		ew_buf_printf(b, "[%s]", h->comm[0] ? h->comm : "?");
	}
	ew_buf_puts(b, "\n                  ");
	if (h->comm[0]) {
		ew_buf_printf(b, "user %s (%u)", h->user ? h->user : "?", (unsigned)h->uid);
		if (h->started >= 0) {
			ew_buf_puts(b, ", started ");
			age(b, h->started);
		}
		ew_buf_puts(b, ", ");
		responsible(b, h);
	} else {
		ew_styled(b, EW_ANSI_DIM, "exited, or hides its details", st->color);
	}
	ew_buf_putc(b, '\n');
}

static bool is_server(const struct ew_port_socket *s)
{
	return s->state == ST_LISTEN || s->state == ST_BOUND || s->state == ST_CLOSE ||
	       (s->proto == IPPROTO_UDP && !s->remote[0]);
}

/* One socket line and its holders. seen[] marks holders already described. */
static void socket_block(struct ew_buf *b, const struct ew_port_report *r,
			 const struct ew_port_socket *s, bool *seen,
			 const struct ew_text_style *st)
{
	size_t col = b->len;

	ew_buf_printf(b, "  %s  ", proto_name(s));
	endpoint(b, s->family, s->local, s->port);
	if (s->remote[0]) {
		ew_buf_puts(b, " <-> ");
		endpoint(b, s->family, s->remote, s->remote_port);
	}
	while (b->len - col < 32 && !b->failed)
		ew_buf_putc(b, ' ');
	ew_buf_printf(b, " %s", state_name(s));
	if (s->v6only >= 0 && is_server(s) &&
	    (strcmp(s->local, "::") == 0))
		ew_buf_puts(b, s->v6only ? "  v6only: IPv6 alone" : "  v6only off: IPv4 too");
	if (s->timer_s >= 0 && !s->inode)
		ew_buf_printf(b, "  %d s left", s->timer_s);
	ew_buf_putc(b, '\n');
	if (!s->inode) {
		ew_buf_puts(b, "      ");
		ew_styled(b, EW_ANSI_DIM, "no process: the kernel keeps it until it expires", st->color);
		ew_buf_putc(b, '\n');
		return;
	}
	if (s->n_holders == 0) {
		ew_buf_puts(b, "      ");
		ew_styled(b, EW_ANSI_DIM,
			  r->unreadable ? "held by a process errwhy may not read (not yours)"
					: "held by no process in this PID namespace",
			  st->color);
		ew_buf_putc(b, '\n');
		return;
	}
	for (size_t i = 0; i < s->n_holders; i++) {
		const struct ew_port_holder *h = s->holders[i];
		size_t k = 0;
		for (; k < r->n_procs && r->procs[k] != h; k++)
			;
		if (k < r->n_procs && !seen[k]) {
			seen[k] = true;
			holder_full(b, h, st);
		} else {
			ew_buf_printf(b, "      pid %-7d %s (above)\n", h->pid, h->comm);
		}
	}
}

/* The count and the latest expiry of the sockets no process holds. */
static void lingering(const struct ew_port_report *r, size_t *tw, size_t *other, int *expiry)
{
	*tw = *other = 0;
	*expiry = -1;
	for (size_t i = 0; i < r->n_sockets; i++) {
		const struct ew_port_socket *s = &r->sockets[i];
		if (s->inode)
			continue;
		if (s->state == ST_TIME_WAIT)
			(*tw)++;
		else
			(*other)++;
		if (s->timer_s > *expiry)
			*expiry = s->timer_s;
	}
}

static void verdict_in_use(struct ew_buf *b, const struct ew_port_report *r)
{
	const struct ew_port_socket *s = NULL;
	size_t same = 0;

	/* The socket that blocks a server: a listener or an unconnected UDP one; else any. */
	for (size_t i = 0; i < r->n_sockets && !s; i++)
		if (is_server(&r->sockets[i]))
			s = &r->sockets[i];
	for (size_t i = 0; i < r->n_sockets && !s; i++)
		if (r->sockets[i].inode)
			s = &r->sockets[i];
	if (!s)
		s = &r->sockets[0];
	for (size_t i = 0; i < r->n_sockets; i++)
		if (&r->sockets[i] != s && is_server(&r->sockets[i]))
			same++;

	ew_buf_puts(b, "in use: ");
	if (s->n_holders) {
		holder_brief(b, s->holders[0]);
		if (s->n_holders > 1)
			ew_buf_printf(b, " and %zu other process%s", s->n_holders - 1,
				      s->n_holders > 2 ? "es" : "");
	} else if (r->unreadable) {
		ew_buf_printf(b, "a process errwhy may not read (socket owner uid %u)",
			      (unsigned)s->uid);
	} else {
		ew_buf_puts(b, "no process in this PID namespace (another container's?)");
	}
	if (s->state == ST_LISTEN)
		ew_buf_puts(b, s->n_holders > 1 ? " listen on " : " listens on ");
	else if (is_server(s))
		ew_buf_puts(b, s->n_holders > 1 ? " are bound to " : " is bound to ");
	else
		ew_buf_printf(b, " hold%s a %s socket on ", s->n_holders > 1 ? "" : "s",
			      state_name(s));
	if (s->proto == IPPROTO_UDP)
		ew_buf_puts(b, "udp ");
	endpoint(b, s->family, s->local, s->port);
	if (same)
		ew_buf_printf(b, " (and %zu more socket%s)", same, same > 1 ? "s" : "");
	if (s->n_holders == 0 && r->unreadable)
		ew_buf_printf(b, "; run `sudo errwhy port %u` to see it", r->port);
}

int ew_render_port_verdict(struct ew_buf *b, const struct ew_port_report *r)
{
	size_t tw, other;
	int expiry;

	switch (r->verdict) {
	case EW_PORT_FREE:
		ew_buf_puts(b, "free");
		break;
	case EW_PORT_IN_USE:
		verdict_in_use(b, r);
		break;
	case EW_PORT_TIME_WAIT:
		lingering(r, &tw, &other, &expiry);
		ew_buf_puts(b, "no process holds it: ");
		if (tw)
			ew_buf_printf(b, "%zu TIME_WAIT socket%s", tw, tw > 1 ? "s" : "");
		if (tw && other)
			ew_buf_puts(b, " and ");
		if (other)
			ew_buf_printf(b, "%zu closing connection%s", other, other > 1 ? "s" : "");
		ew_buf_printf(b, " from a recent run expire%s", tw + other > 1 ? "" : "s");
		if (expiry >= 0)
			ew_buf_printf(b, " within %d s", expiry);
		if (r->bindable_reuse == 0)
			ew_buf_puts(b, "; until then no server can bind it, not even one that sets "
				       "SO_REUSEADDR (the previous one did not set it)");
		else
			ew_buf_puts(b, "; a server that sets SO_REUSEADDR (Node, Go, Python's "
				       "http.server) can bind now");
		break;
	}
	return b->failed ? -ENOMEM : 0;
}

int ew_render_port_text(struct ew_buf *b, const struct ew_port_report *r,
			const struct ew_text_style *st)
{
	bool *seen = calloc(r->n_procs ? r->n_procs : 1, sizeof(*seen));
	size_t connections = 0, tw, other;
	int expiry;

	if (!seen)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_sockets; i++) {
		const struct ew_port_socket *s = &r->sockets[i];
		if (!s->inode)
			continue;
		/* Servers and the first connections in full; a busy server's hundreds of
		 * accepted connections are counted, not listed. */
		if (!is_server(s) && connections++ >= MAX_CONNECTIONS)
			continue;
		socket_block(b, r, s, seen, st);
	}
	if (connections > MAX_CONNECTIONS)
		ew_buf_printf(b, "  ... and %zu more connections held by the processes above\n",
			      connections - MAX_CONNECTIONS);
	lingering(r, &tw, &other, &expiry);
	if (tw + other > 0 && tw + other <= 3) {
		for (size_t i = 0; i < r->n_sockets; i++)
			if (!r->sockets[i].inode)
				socket_block(b, r, &r->sockets[i], seen, st);
	} else if (tw + other > 0) {
		ew_buf_printf(b, "  %zu sockets in TIME_WAIT or closing, held by no process", tw + other);
		if (expiry >= 0)
			ew_buf_printf(b, "; the last expires in %d s", expiry);
		ew_buf_putc(b, '\n');
	}
	if (r->n_sockets)
		ew_buf_putc(b, '\n');

	if (st->color)
		ew_buf_puts(b, EW_ANSI_BOLD);
	ew_render_port_verdict(b, r);
	if (st->color)
		ew_buf_puts(b, EW_ANSI_RESET);
	ew_buf_putc(b, '\n');

	if (r->verdict == EW_PORT_IN_USE && r->n_procs && !r->complete) {
		ew_buf_printf(b, "(Listed the first holder found of each socket; "
				 "`errwhy port %u --all-holders` reads every process.)",
			      r->port);
		ew_buf_putc(b, '\n');
	}
	if (r->hidden_holders || (r->complete && r->unreadable && r->verdict == EW_PORT_IN_USE)) {
		ew_buf_printf(b, "(%u process%s of other users could not be read; "
				 "`sudo errwhy port %u` sees them all.)\n",
			      r->unreadable, r->unreadable > 1 ? "es" : "", r->port);
	}
	free(seen);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_port_stop_text(struct ew_buf *b, const struct ew_port_stop_result *res,
			     size_t n, int sig)
{
	const char *name = sigabbrev_np(sig);

	for (size_t i = 0; i < n; i++) {
		const struct ew_port_stop_result *x = &res[i];
		ew_buf_printf(b, "pid %d (%s): ", x->pid, x->comm[0] ? x->comm : "?");
		if (x->error == -EPERM && !x->signalled)
			ew_buf_puts(b, "refused, errwhy does not signal it");
		else if (x->error == -ESTALE)
			ew_buf_puts(b, "no longer holds the port; not signalled");
		else if (x->error == -ESRCH && !x->signalled)
			ew_buf_puts(b, "already gone");
		else if (x->error == -ENOSYS && !x->signalled)
			ew_buf_puts(b, "not signalled: there is no pidfd_open(2) here (Linux 5.3+), "
				       "and errwhy signals only through pidfds");
		else if (x->error && !x->signalled)
			ew_buf_printf(b, "could not signal it: %s", strerror(-x->error));
		else if (x->killed)
			ew_buf_printf(b, "sent SIG%s, still running at the timeout, sent SIGKILL: %s",
				      name ? name : "?", x->exited ? "stopped" : "still running");
		else
			ew_buf_printf(b, "sent SIG%s: %s", name ? name : "?",
				      x->exited ? "stopped" : "still running");
		ew_buf_putc(b, '\n');
	}
	return b->failed ? -ENOMEM : 0;
}
