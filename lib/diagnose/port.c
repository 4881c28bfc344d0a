/* port.c: the answer to "who holds this port": the sockets from sock_diag, their holders from
 * /proc, and a verdict. Gathering only; lib/render/port_*.c turn a report into words. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"

enum { ST_TIME_WAIT = 6, ST_CLOSE = 7, ST_LISTEN = 10 };

int ew_port_parse(const char *text, uint16_t *port)
{
	unsigned long v = 0;
	size_t i = 0;

	if (!text || !text[0])
		return -EINVAL;
	/* Digits only: "3000", not " 3000", "+3000", "0x10" or "3e3". */
	for (; text[i]; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -EINVAL;
		if (v <= 65535)
			v = v * 10 + (unsigned long)(text[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -ERANGE;
	*port = (uint16_t)v;
	return 0;
}

const char *ew_port_verdict_key(enum ew_port_verdict v)
{
	switch (v) {
	case EW_PORT_FREE:
		return "free";
	case EW_PORT_TIME_WAIT:
		return "time_wait";
	case EW_PORT_IN_USE:
		return "in_use";
	}
	return "unknown";
}

const char *ew_port_state_name(int state)
{
	static const char *const names[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT",   [3] = "SYN_RECV",   [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2",   [6] = "TIME_WAIT",  [7] = "CLOSE",      [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK",    [10] = "LISTEN",    [11] = "CLOSING",   [12] = "NEW_SYN_RECV",
		[13] = "BOUND",
	};

	if (state > 0 && (size_t)state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "UNKNOWN";
}

const char *ew_port_strerror(int err)
{
	if (err == -ELIBACC)
		return "cannot load libmnl.so.0, which errwhy needs to ask the kernel about sockets "
		       "(Debian: apt install libmnl0)";
	if (err == -EPROTONOSUPPORT)
		return "this kernel does not answer sock_diag queries about TCP and UDP sockets "
		       "(CONFIG_INET_DIAG, tcp_diag, udp_diag)";
	return strerror(err < 0 ? -err : err);
}

/* Listening sockets and unconnected UDP first (they are what blocks a server), then the
 * ones a process holds, then what the kernel keeps alone. */
static int rank(const struct ew_port_socket *s)
{
	if (s->state == ST_LISTEN || (s->proto == IPPROTO_UDP && !s->remote[0]) ||
	    (s->state == ST_CLOSE && s->inode))
		return 0;
	if (s->inode)
		return 1;
	return 2;
}

static int cmp_socket(const void *a, const void *b)
{
	const struct ew_port_socket *x = a, *y = b;

	if (rank(x) != rank(y))
		return rank(x) - rank(y);
	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->family != y->family)
		return x->family - y->family;
	return strcmp(x->local, y->local);
}

static int cmp_hit(const void *a, const void *b)
{
	const struct ew_scan_hit *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->inode > y->inode) - (x->inode < y->inode);
}

static enum ew_port_verdict judge(const struct ew_port_report *r)
{
	bool lingering = false;

	for (size_t i = 0; i < r->n_sockets; i++) {
		const struct ew_port_socket *s = &r->sockets[i];
		if (s->inode || s->state == ST_LISTEN || s->proto == IPPROTO_UDP)
			return EW_PORT_IN_USE;
		lingering = true;
	}
	return lingering ? EW_PORT_TIME_WAIT : EW_PORT_FREE;
}

/* Finds the holders of the report's sockets and hangs them on each socket. */
static int find_holders(struct ew_port_report *r, bool all)
{
	struct ew_scan_target *targets = calloc(r->n_sockets ? r->n_sockets : 1, sizeof(*targets));
	struct ew_scan_result res = {0};
	size_t n = 0;
	int ret;

	if (!targets)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_sockets; i++)
		if (r->sockets[i].inode)
			targets[n++] = (struct ew_scan_target){.inode = r->sockets[i].inode,
							       .uid = r->sockets[i].uid};
	ret = ew_scan_holders(targets, n, all, &res);
	free(targets);
	if (ret < 0)
		return ret;
	r->complete = res.complete;
	r->unreadable = res.unreadable;

	if (res.n_hits)
		qsort(res.hits, res.n_hits, sizeof(*res.hits), cmp_hit);
	r->procs = calloc(res.n_hits ? res.n_hits : 1, sizeof(*r->procs));
	if (!r->procs) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < res.n_hits; i++) {
		struct ew_port_holder *h;
		if (i && res.hits[i].pid == res.hits[i - 1].pid)
			continue;
		h = calloc(1, sizeof(*h));
		if (!h) {
			ret = -ENOMEM;
			goto out;
		}
		ret = ew_proc_read(res.hits[i].pid, h);
		if (ret == -ESRCH || ret == -EACCES) {
			/* Gone since the scan, or hiding its details: keep the pid. */
			h->pid = res.hits[i].pid;
			h->started = -1;
			ret = 0;
		} else if (ret < 0) {
			free(h);
			goto out;
		}
		r->procs[r->n_procs++] = h;
	}
	/* Each socket points at the processes that hold it. */
	for (size_t i = 0; i < r->n_sockets; i++) {
		struct ew_port_socket *s = &r->sockets[i];
		size_t k = 0;
		if (!s->inode)
			continue;
		s->holders = calloc(r->n_procs ? r->n_procs : 1, sizeof(*s->holders));
		if (!s->holders) {
			ret = -ENOMEM;
			goto out;
		}
		for (size_t j = 0; j < res.n_hits; j++) {
			if (res.hits[j].inode != s->inode)
				continue;
			for (; k < r->n_procs && r->procs[k]->pid < res.hits[j].pid; k++)
				;
			if (k < r->n_procs && r->procs[k]->pid == res.hits[j].pid &&
			    (s->n_holders == 0 || s->holders[s->n_holders - 1] != r->procs[k]))
				s->holders[s->n_holders++] = r->procs[k];
		}
		if (s->n_holders == 0 && r->unreadable)
			r->hidden_holders = true;
	}
out:
	ew_scan_result_free(&res);
	return ret;
}

int ew_port_report_build(struct ew_port_report **out, uint16_t port, unsigned flags)
{
	struct ew_port_report *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	r->port = port;
	r->protos = flags & (EW_PORT_TCP | EW_PORT_UDP);
	if (!r->protos)
		r->protos = EW_PORT_TCP | EW_PORT_UDP;
	r->bindable_reuse = -1;
	ret = ew_sockets_query(port, r->protos, &r->sockets, &r->n_sockets);
	if (ret < 0)
		goto fail;
	if (r->n_sockets)
		qsort(r->sockets, r->n_sockets, sizeof(*r->sockets), cmp_socket);
	ret = find_holders(r, flags & EW_PORT_ALL_HOLDERS);
	if (ret < 0)
		goto fail;
	r->verdict = judge(r);
	/* Whether TIME_WAIT really lets a SO_REUSEADDR server in depends on whether the old
	 * one set it too; a trial bind is the one exact answer. */
	if (r->verdict == EW_PORT_TIME_WAIT) {
		ret = ew_port_bindable(port, r->protos, true);
		r->bindable_reuse = ret < 0 ? -1 : ret;
	}
	*out = r;
	return 0;
fail:
	ew_port_report_free(r);
	return ret;
}

void ew_port_report_free(struct ew_port_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_sockets; i++)
		free(r->sockets[i].holders);
	free(r->sockets);
	for (size_t i = 0; i < r->n_procs; i++) {
		ew_proc_clear(r->procs[i]);
		free(r->procs[i]);
	}
	free(r->procs);
	free(r);
}
