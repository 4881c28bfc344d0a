/* port.c: the answer to "who holds this port": the sockets from sock_diag, their holders from
 * /proc, and a verdict. Gathering only; lib/render/port_*.c turn a report into words. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diagnose.h"

enum { ST_TIME_WAIT = 6, ST_CLOSE = 7, ST_LISTEN = 10, ST_BOUND_INACTIVE = 13 };

int ew_port_parse(const char *text, uint16_t *port)
{
	unsigned long v = 0;
	size_t i = 0;

	if (!text || !text[0] || !port)
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
	case EW_PORT_CONNECTED:
		return "connected";
	case EW_PORT_IN_USE:
		return "in_use";
	}
	return "unknown";
}

const char *ew_port_proc_view_key(enum ew_port_proc_view v)
{
	switch (v) {
	case EW_PROC_FULL:
		return "full";
	case EW_PROC_HIDEPID:
		return "hidepid";
	case EW_PROC_MISSING:
		return "missing";
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
	/* -INT_MIN does not exist: negate in a wider type. */
	return strerror((int)(err < 0 ? -(long long)err > INT_MAX ? 0 : -err : err));
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

/* What one socket means for a server that wants the port. */
static enum ew_port_verdict socket_verdict(const struct ew_port_socket *s)
{
	if (s->proto == IPPROTO_UDP || s->state == ST_LISTEN || s->state == ST_CLOSE ||
	    s->state == ST_BOUND_INACTIVE)
		return s->inode || s->state == ST_LISTEN ? EW_PORT_IN_USE : EW_PORT_TIME_WAIT;
	return s->inode ? EW_PORT_CONNECTED : EW_PORT_TIME_WAIT;
}

static void judge(struct ew_port_report *r)
{
	r->tcp = r->udp = EW_PORT_FREE;
	for (size_t i = 0; i < r->n_sockets; i++) {
		enum ew_port_verdict v = socket_verdict(&r->sockets[i]);
		enum ew_port_verdict *p = r->sockets[i].proto == IPPROTO_UDP ? &r->udp : &r->tcp;
		if (v > *p)
			*p = v;
	}
	r->verdict = EW_PORT_FREE;
	if ((r->protos & EW_PORT_TCP) && r->tcp > r->verdict)
		r->verdict = r->tcp;
	if ((r->protos & EW_PORT_UDP) && r->udp > r->verdict)
		r->verdict = r->udp;
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
							       .uid = r->sockets[i].uid,
							       .cgroup_id = r->sockets[i].cgroup_id};
	ret = ew_scan_holders(targets, n, all, &res);
	free(targets);
	if (ret < 0)
		return ret;
	r->complete = res.complete;
	r->unreadable = res.unreadable;
	r->unreadable_pids = res.unreadable_pids; /* the report owns them now */
	res.unreadable_pids = NULL;

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

/* Reads a number from a /proc/sys file; -1 when it cannot. */
static int sysctl_int(const char *path)
{
	char text[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC), v = -1;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n > 0) {
		text[n] = '\0';
		if (sscanf(text, "%d", &v) != 1)
			v = -1;
	}
	return v;
}

/* Whether this process may bind ports below ip_unprivileged_port_start: root's power there
 * is the one capability, CAP_NET_BIND_SERVICE. */
static bool may_bind_privileged(void)
{
	struct __user_cap_header_struct head = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {{0}};

	if (syscall(SYS_capget, &head, data) < 0)
		return geteuid() == 0;
	return data[CAP_NET_BIND_SERVICE / 32].effective & (1u << (CAP_NET_BIND_SERVICE % 32));
}

/* Whether /proc is mounted with hidepid (other users' processes hidden or unreadable), from
 * the super options of the /proc line in /proc/self/mountinfo. */
static bool proc_hides_pids(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];
	bool hides = false;

	if (!f)
		return false;
	while (!hides && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - proc ");
		const char *opt;
		/* Field 5 is the mount point: "36 25 0:5 / /proc rw,... - proc proc rw,hidepid=2". */
		if (!sep || !strstr(line, " /proc "))
			continue;
		opt = strstr(sep, "hidepid=");
		if (opt && strncmp(opt + 8, "0", 1) != 0 && strncmp(opt + 8, "off", 3) != 0)
			hides = true;
	}
	fclose(f);
	return hides;
}

/* Trial binds for a verdict that a trial can settle: lingering sockets and connections block
 * some servers and not others, and the kernel's rules (which SO_REUSEADDR the old sockets
 * had) are not visible from outside. */
static void trial_binds(struct ew_port_report *r)
{
	int reuse, strict;

	if (r->verdict != EW_PORT_TIME_WAIT && r->verdict != EW_PORT_CONNECTED)
		return;
	reuse = ew_port_bindable(r->port, r->protos, true);
	strict = ew_port_bindable(r->port, r->protos, false);
	r->bindable_reuse = reuse < 0 ? -1 : reuse;
	r->bindable_strict = strict < 0 ? -1 : strict;
	r->trial_error = reuse < 0 ? reuse : strict < 0 ? strict : 0;
}

int ew_port_report_build(struct ew_port_report **out, uint16_t port, unsigned flags)
{
	struct ew_port_report *r;
	int ret;

	if (!out || port == 0)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->port = port;
	r->protos = flags & (EW_PORT_TCP | EW_PORT_UDP);
	if (!r->protos)
		r->protos = EW_PORT_TCP | EW_PORT_UDP;
	r->bindable_reuse = r->bindable_strict = -1;
	r->caller_uid = (uint32_t)geteuid();
	r->unprivileged_port_start = sysctl_int("/proc/sys/net/ipv4/ip_unprivileged_port_start");
	/* Without the file (an old kernel, no /proc) the rule is the classic one: below 1024. */
	r->needs_privilege = port < (r->unprivileged_port_start >= 0 ? r->unprivileged_port_start
								     : 1024) &&
			     !may_bind_privileged();
	ret = ew_sockets_query(port, r->protos, &r->sockets, &r->n_sockets);
	if (ret < 0)
		goto fail;
	if (r->n_sockets)
		qsort(r->sockets, r->n_sockets, sizeof(*r->sockets), cmp_socket);
	if (!(flags & EW_PORT_NO_HOLDERS)) {
		r->holders_looked = true;
		ret = find_holders(r, flags & EW_PORT_ALL_HOLDERS);
		if (ret == -ENOENT || ret == -EACCES || ret == -EPERM) {
			/* No /proc to read: the sockets are known, their holders are not. */
			r->proc_view = EW_PROC_MISSING;
			r->hidden_holders = r->n_sockets > 0;
			ret = 0;
		}
		if (ret < 0)
			goto fail;
		if (r->proc_view == EW_PROC_FULL && proc_hides_pids())
			r->proc_view = EW_PROC_HIDEPID;
		for (size_t i = 0; i < r->n_sockets; i++)
			if (r->sockets[i].inode && !r->sockets[i].n_holders &&
			    r->proc_view != EW_PROC_FULL)
				r->hidden_holders = true;
	}
	judge(r);
	trial_binds(r);
	*out = r;
	return 0;
fail:
	ew_port_report_free(r);
	return ret;
}

int ew_port_can_bind(const struct ew_port_report *r, bool strict)
{
	int trial;

	if (!r)
		return -1;
	switch (r->verdict) {
	case EW_PORT_FREE:
		return 1;
	case EW_PORT_IN_USE:
		return 0;
	case EW_PORT_TIME_WAIT:
	case EW_PORT_CONNECTED:
		break;
	}
	trial = strict ? r->bindable_strict : r->bindable_reuse;
	return trial < 0 ? -1 : trial;
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
	free(r->unreadable_pids);
	free(r);
}
