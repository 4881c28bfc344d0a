/* port_text.c: a port report in words for a terminal: each socket, who holds it, and the
 * verdict. Also the "On this machine" section of errwhy EADDRINUSE --port P. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
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

static unsigned proto_bit(const struct ew_port_socket *s)
{
	return s->proto == IPPROTO_UDP ? EW_PORT_UDP : EW_PORT_TCP;
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
	ew_buf_put_escaped(b, h->comm[0] ? h->comm : "?");
	ew_buf_printf(b, " (pid %d", h->pid);
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
	if (h->proxy_to) {
		ew_buf_puts(b, "docker-proxy: forwards to the container at ");
		ew_buf_put_escaped(b, h->proxy_to);
	} else if (h->container_runtime) {
		ew_buf_put_escaped(b, h->container_runtime);
		ew_buf_puts(b, " container ");
		if (h->container_id)
			ew_buf_append_escaped(b, h->container_id, strlen(h->container_id), 12);
		else
			ew_buf_putc(b, '?');
	} else if (h->unit) {
		ew_buf_puts(b, h->user_unit ? "user unit " : "systemd unit ");
		ew_buf_put_escaped(b, h->unit);
	} else if (h->terminal) {
		ew_buf_puts(b, "terminal ");
		ew_buf_put_escaped(b, h->terminal);
		ew_buf_printf(b, ", session %d", h->session);
	} else {
		ew_buf_printf(b, "no terminal, session %d", h->session);
	}
}

/* One argument, escaped, in single quotes when it holds blanks or shell characters (a quote
 * inside becomes '\''), so that it reads as it would be typed. */
static void argument(struct ew_buf *b, const char *a)
{
	bool quote = !a[0] || strpbrk(a, " \t'\"$") != NULL;

	if (quote)
		ew_buf_putc(b, '\'');
	for (const char *q; (q = strchr(a, '\'')) && quote; a = q + 1) {
		ew_buf_append_escaped(b, a, (size_t)(q - a), SIZE_MAX);
		ew_buf_puts(b, "'\\''");
	}
	ew_buf_put_escaped(b, a);
	if (quote)
		ew_buf_putc(b, '\'');
}

/* The command line on one line, cut with "..." past room columns (a JVM's class path is no
 * help here). */
static void command_line(struct ew_buf *b, const struct ew_port_holder *h, size_t room)
{
	size_t start = b->len;

	for (size_t i = 0; i < h->argc && b->len - start < room; i++) {
		if (i)
			ew_buf_putc(b, ' ');
		argument(b, h->argv[i]);
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
		ew_buf_putc(b, '[');
		ew_buf_put_escaped(b, h->comm[0] ? h->comm : "?");
		ew_buf_putc(b, ']');
	}
	ew_buf_puts(b, "\n                  ");
	if (h->comm[0]) {
		ew_buf_puts(b, "user ");
		ew_buf_put_escaped(b, h->user ? h->user : "?");
		ew_buf_printf(b, " (%u)", (unsigned)h->uid);
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

/* text wrapped without markup (ew_wrap_plain), in style when colour is on; the style ends
 * before the final newline, so no escape trails into the next line. */
static void wrap_styled(struct ew_buf *b, const char *text, unsigned first, unsigned rest,
			const struct ew_text_style *st, const char *style)
{
	if (st->color)
		ew_buf_puts(b, style);
	ew_wrap_plain(b, text, first, rest, st->width);
	if (st->color) {
		if (b->len && !b->failed)
			b->data[--b->len] = '\0';
		ew_buf_puts(b, EW_ANSI_RESET "\n");
	}
}

/* Who holds a socket when no holder could be named: say what is really known. */
static void unknown_holder(struct ew_buf *b, const struct ew_port_report *r,
			   const struct ew_port_socket *s)
{
	bool yours = s->uid == r->caller_uid;

	if (!r->holders_looked)
		ew_buf_puts(b, "a process (holders not looked for)");
	else if (r->proc_view == EW_PROC_MISSING)
		ew_buf_puts(b, "a process errwhy cannot name: /proc is not mounted here");
	/* Before the unreadable ones: with hidepid another user's holder is not even listed,
	 * whatever other processes errwhy could list but not read. */
	else if (r->proc_view == EW_PROC_HIDEPID && !yours && r->caller_uid != 0)
		ew_buf_printf(b, "a process of uid %u, which /proc hides from you (it is mounted "
				 "with hidepid)",
			      (unsigned)s->uid);
	else if (r->unreadable && yours)
		ew_buf_printf(b, "a process of yours (uid %u) whose open files errwhy may not read",
			      (unsigned)s->uid);
	else if (r->unreadable)
		ew_buf_printf(b, "a process errwhy may not read (the socket's owner is uid %u)",
			      (unsigned)s->uid);
	else
		ew_buf_puts(b, "no process in this PID namespace (another container's?)");
}

/* The hint after an unknown holder, when more privilege would show it. */
static void unknown_hint(struct ew_buf *b, const struct ew_port_report *r)
{
	if (r->caller_uid != 0 && (r->unreadable || r->proc_view == EW_PROC_HIDEPID))
		ew_buf_printf(b, "; run `sudo errwhy port %u` to see it", r->port);
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
	if (s->v6only >= 0 && is_server(s) && strcmp(s->local, "::") == 0)
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
		struct ew_buf why;
		ew_buf_init(&why);
		ew_buf_puts(&why, "held by ");
		unknown_holder(&why, r, s);
		wrap_styled(b, why.failed ? "" : why.data, 6, 6, st, EW_ANSI_DIM);
		b->failed |= why.failed;
		ew_buf_free(&why);
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
			ew_buf_printf(b, "      pid %-7d ", h->pid);
			ew_buf_put_escaped(b, h->comm);
			ew_buf_puts(b, " (above)\n");
		}
	}
}

/* The count and the latest expiry of the sockets no process holds. */
static void lingering(const struct ew_port_report *r, unsigned protos, size_t *tw,
		      size_t *other, int *expiry)
{
	*tw = *other = 0;
	*expiry = -1;
	for (size_t i = 0; i < r->n_sockets; i++) {
		const struct ew_port_socket *s = &r->sockets[i];
		if (s->inode || !(protos & proto_bit(s)))
			continue;
		if (s->state == ST_TIME_WAIT)
			(*tw)++;
		else
			(*other)++;
		if (s->timer_s > *expiry)
			*expiry = s->timer_s;
	}
}

/* What a trial bind said, for a port that lingering sockets or connections may block. */
static void bind_outlook(struct ew_buf *b, const struct ew_port_report *r, bool time_wait)
{
	if (r->bindable_reuse < 0 || r->bindable_strict < 0) {
		ew_buf_puts(b, "; whether a server can bind it now is unknown: errwhy could not "
			       "make a trial bind (");
		if (r->trial_error == -EACCES || r->trial_error == -EPERM)
			ew_buf_printf(b, "binding port %u needs privilege", r->port);
		else
			ew_buf_puts(b, ew_port_strerror(r->trial_error));
		ew_buf_putc(b, ')');
	} else if (r->bindable_strict == 1) {
		ew_buf_puts(b, "; any server can bind it now");
	} else if (r->bindable_reuse == 1) {
		ew_buf_puts(b, "; a server that sets SO_REUSEADDR (Node, Go, Python's http.server) "
			       "can bind now, one that does not cannot yet");
	} else if (time_wait) {
		ew_buf_puts(b, "; until then no server can bind it, not even one that sets "
			       "SO_REUSEADDR (the previous one did not set it)");
	} else {
		ew_buf_puts(b, "; until they close no server can bind it, not even one that sets "
			       "SO_REUSEADDR");
	}
}

/* The socket that stands most in a server's way among protos: a listener or an unconnected
 * UDP one; else any a process holds; else the first. */
static const struct ew_port_socket *blocking_socket(const struct ew_port_report *r,
						    unsigned protos, size_t *others)
{
	const struct ew_port_socket *s = NULL;

	*others = 0;
	for (size_t i = 0; i < r->n_sockets && !s; i++)
		if ((protos & proto_bit(&r->sockets[i])) && is_server(&r->sockets[i]))
			s = &r->sockets[i];
	for (size_t i = 0; i < r->n_sockets && !s; i++)
		if ((protos & proto_bit(&r->sockets[i])) && r->sockets[i].inode)
			s = &r->sockets[i];
	for (size_t i = 0; i < r->n_sockets; i++)
		if (&r->sockets[i] != s && (protos & proto_bit(&r->sockets[i])) &&
		    is_server(&r->sockets[i]))
			(*others)++;
	return s;
}

/* Whether every server socket among protos is IPv6 with V6ONLY: then IPv4 is free. */
static bool ipv6_alone(const struct ew_port_report *r, unsigned protos)
{
	bool any = false;

	for (size_t i = 0; i < r->n_sockets; i++) {
		const struct ew_port_socket *s = &r->sockets[i];
		if (!(protos & proto_bit(s)) || !is_server(s) || !s->inode)
			continue;
		if (s->family != AF_INET6 || s->v6only != 1)
			return false;
		any = true;
	}
	return any;
}

static void who(struct ew_buf *b, const struct ew_port_report *r, const struct ew_port_socket *s)
{
	if (s->n_holders) {
		holder_brief(b, s->holders[0]);
		if (s->n_holders > 1)
			ew_buf_printf(b, " and %zu other process%s", s->n_holders - 1,
				      s->n_holders > 2 ? "es" : "");
	} else {
		unknown_holder(b, r, s);
	}
}

static void verdict_in_use(struct ew_buf *b, const struct ew_port_report *r, unsigned protos)
{
	size_t others;
	const struct ew_port_socket *s = blocking_socket(r, protos, &others);
	bool many;

	if (!s) {
		ew_buf_puts(b, "in use");
		return;
	}
	many = s->n_holders > 1;
	ew_buf_puts(b, "in use: ");
	who(b, r, s);
	if (s->state == ST_LISTEN)
		ew_buf_puts(b, many ? " listen on " : " listens on ");
	else
		ew_buf_puts(b, many ? " are bound to " : " is bound to ");
	if (s->proto == IPPROTO_UDP)
		ew_buf_puts(b, "udp ");
	endpoint(b, s->family, s->local, s->port);
	if (others)
		ew_buf_printf(b, " (and %zu more socket%s)", others, others > 1 ? "s" : "");
	if (ipv6_alone(r, protos))
		ew_buf_puts(b, "; that is IPv6 alone (IPV6_V6ONLY): IPv4 is free");
	if (!s->n_holders)
		unknown_hint(b, r);
}

static void verdict_connected(struct ew_buf *b, const struct ew_port_report *r, unsigned protos)
{
	size_t others, conns = 0;
	const struct ew_port_socket *s = blocking_socket(r, protos, &others);

	for (size_t i = 0; i < r->n_sockets; i++)
		conns += r->sockets[i].inode && (protos & proto_bit(&r->sockets[i]));
	ew_buf_puts(b, "no server holds it, but ");
	if (!s) {
		ew_buf_puts(b, "connections remain");
	} else {
		who(b, r, s);
		ew_buf_printf(b, " hold%s %s %s connection on ", s->n_holders > 1 ? "" : "s",
			      conns > 1 ? "connections such as a" : "a", state_name(s));
		endpoint(b, s->family, s->local, s->port);
	}
	bind_outlook(b, r, false);
}

static void verdict_time_wait(struct ew_buf *b, const struct ew_port_report *r, unsigned protos)
{
	size_t tw, other;
	int expiry;

	lingering(r, protos, &tw, &other, &expiry);
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
	bind_outlook(b, r, true);
}

static void verdict_free(struct ew_buf *b, const struct ew_port_report *r)
{
	ew_buf_printf(b, "free: nothing is bound to port %u on ", r->port);
	if (r->protos == (EW_PORT_TCP | EW_PORT_UDP))
		ew_buf_puts(b, "TCP or UDP, IPv4 or IPv6");
	else
		ew_buf_printf(b, "%s, IPv4 or IPv6 (%s was not looked at)",
			      r->protos & EW_PORT_TCP ? "TCP" : "UDP",
			      r->protos & EW_PORT_TCP ? "UDP" : "TCP");
	if (!r->needs_privilege)
		ew_buf_puts(b, "; a server can bind it now");
}

/* One protocol's verdict phrase (or both's, when protos has both and they agree). */
static void verdict_phrase(struct ew_buf *b, const struct ew_port_report *r, unsigned protos,
			   enum ew_port_verdict v)
{
	switch (v) {
	case EW_PORT_FREE:
		ew_buf_puts(b, "free");
		break;
	case EW_PORT_TIME_WAIT:
		verdict_time_wait(b, r, protos);
		break;
	case EW_PORT_CONNECTED:
		verdict_connected(b, r, protos);
		break;
	case EW_PORT_IN_USE:
		verdict_in_use(b, r, protos);
		break;
	}
}

int ew_render_port_verdict(struct ew_buf *b, const struct ew_port_report *r)
{
	if (!b || !r)
		return -EINVAL;
	if (r->protos == (EW_PORT_TCP | EW_PORT_UDP) && r->tcp != r->udp) {
		/* "TCP: free; UDP: in use: ...": each protocol is a port of its own. */
		ew_buf_puts(b, "TCP: ");
		verdict_phrase(b, r, EW_PORT_TCP, r->tcp);
		ew_buf_puts(b, "; UDP: ");
		verdict_phrase(b, r, EW_PORT_UDP, r->udp);
	} else if (r->verdict == EW_PORT_FREE) {
		verdict_free(b, r);
	} else {
		verdict_phrase(b, r, r->protos, r->verdict);
	}
	if (r->needs_privilege)
		ew_buf_printf(b, "; binding port %u needs privilege here: ports below %d "
				 "(net.ipv4.ip_unprivileged_port_start) need root or "
				 "CAP_NET_BIND_SERVICE, and without them a bind gets EACCES",
			      r->port, r->unprivileged_port_start >= 0 ? r->unprivileged_port_start
								       : 1024);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_port_verdict_wrapped(struct ew_buf *b, const char *lead,
				   const struct ew_port_report *r, const struct ew_text_style *st)
{
	struct ew_buf line;
	int ret;

	if (!b || !r || !st)
		return -EINVAL;
	ew_buf_init(&line);
	if (lead)
		ew_buf_puts(&line, lead);
	ret = ew_render_port_verdict(&line, r);
	if (ret == 0 && !line.failed)
		wrap_styled(b, line.data, 0, 2, st, EW_ANSI_BOLD);
	ret = line.failed ? -ENOMEM : ret;
	ew_buf_free(&line);
	/* A failure inside must fail the whole answer, not leave it a line short. */
	if (ret)
		b->failed = true;
	return b->failed ? -ENOMEM : 0;
}

/* A note in parentheses, wrapped. */
static void note(struct ew_buf *b, const struct ew_text_style *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct ew_buf *b, const struct ew_text_style *st, const char *fmt, ...)
{
	struct ew_buf text;
	va_list ap;

	ew_buf_init(&text);
	va_start(ap, fmt);
	ew_buf_vprintf(&text, fmt, ap);
	va_end(ap);
	if (text.failed)
		b->failed = true;
	else
		ew_wrap_plain(b, text.data, 0, 1, st->width);
	ew_buf_free(&text);
}

int ew_render_port_text(struct ew_buf *b, const struct ew_port_report *r,
			const struct ew_text_style *st)
{
	bool *seen;
	size_t connections = 0, tw, other;
	int expiry;

	if (!b || !r || !st)
		return -EINVAL;
	seen = calloc(r->n_procs ? r->n_procs : 1, sizeof(*seen));
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
	lingering(r, r->protos, &tw, &other, &expiry);
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

	ew_render_port_verdict_wrapped(b, NULL, r, st);

	if (r->verdict >= EW_PORT_CONNECTED && r->n_procs && !r->complete)
		note(b, st, "(Listed the first holder found of each socket; `errwhy port %u "
			    "--all-holders` reads every process.)", r->port);
	if (r->unreadable && (r->hidden_holders || (r->complete && r->verdict >= EW_PORT_CONNECTED)))
		note(b, st, "(%u process%s could not be read%s)", r->unreadable,
		     r->unreadable > 1 ? "es" : "",
		     r->caller_uid ? "; `sudo errwhy port` sees them all." : ".");
	free(seen);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_port_stop_text(struct ew_buf *b, const struct ew_port_stop_result *res,
			     size_t n, int sig)
{
	const char *name = ew_signal_name(sig);

	if (!b || (!res && n))
		return -EINVAL;
	if (!name)
		name = "the signal";
	for (size_t i = 0; i < n; i++) {
		const struct ew_port_stop_result *x = &res[i];
		ew_buf_printf(b, "pid %d (", x->pid);
		ew_buf_put_escaped(b, x->comm[0] ? x->comm : "?");
		ew_buf_puts(b, "): ");
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
			ew_buf_printf(b, "could not signal it: %s", ew_port_strerror(x->error));
		else if (x->killed)
			ew_buf_printf(b, "sent %s, still running at the timeout, sent SIGKILL: %s",
				      name, x->exited ? "stopped" : "still running");
		else
			ew_buf_printf(b, "sent %s: %s", name, x->exited ? "stopped" : "still running");
		ew_buf_putc(b, '\n');
	}
	return b->failed ? -ENOMEM : 0;
}
