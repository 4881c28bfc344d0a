/* sockets.c: asks the kernel which sockets are bound to a port, through sock_diag netlink.
 * The port filter runs in the kernel (inet_diag bytecode), so the answer costs the same
 * however many other sockets the machine has; /proc/net/tcp text is never parsed. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "diagnose.h"

/* The kernel's TCP states (include/net/tcp_states.h), which sock_diag also uses for UDP. */
enum {
	ST_ESTABLISHED = 1,
	ST_TIME_WAIT = 6,
	ST_CLOSE = 7,
	ST_LISTEN = 10,
	ST_BOUND_INACTIVE = 13 /* Linux 6.9+: bound, neither listening nor connected */
};

/* The diag timer that counts down TIME_WAIT (and FIN_WAIT2 of orphans). */
#define DIAG_TIMER_TIMEWAIT 3

struct collect {
	const struct ew_mnl *mnl;
	uint16_t port;
	int proto;
	struct ew_port_socket *items;
	size_t n, cap;
	int error;
};

/* Fills the address text of one side of a socket. */
static void address_text(int family, const __be32 *addr, char *out, size_t size)
{
	if (!inet_ntop(family, addr, out, (socklen_t)size))
		out[0] = '\0';
}

static bool all_zero(const __be32 *addr, int family)
{
	size_t words = family == AF_INET6 ? 4 : 1;

	for (size_t i = 0; i < words; i++)
		if (addr[i])
			return false;
	return true;
}

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct collect *c = data;
	struct ew_port_socket *s = &c->items[c->n];

	uint16_t type = c->mnl->attr_get_type(attr);

	if (type == INET_DIAG_SKV6ONLY && c->mnl->attr_get_payload_len(attr) >= 1)
		s->v6only = c->mnl->attr_get_u8(attr) ? 1 : 0;
	/* Sent for every full socket by kernels built with CONFIG_SOCK_CGROUP_DATA (4.19+);
	 * the payload follows the attribute header (NLA_HDRLEN, as mnl_attr_get_payload finds
	 * it) and may sit unaligned for a u64, so it is copied. */
	if (type == INET_DIAG_CGROUP_ID &&
	    c->mnl->attr_get_payload_len(attr) >= sizeof(s->cgroup_id))
		memcpy(&s->cgroup_id, (const char *)attr + NLA_HDRLEN, sizeof(s->cgroup_id));
	return MNL_CB_OK;
}

/* One message of the dump: one socket. */
static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	const struct inet_diag_msg *m = c->mnl->nlmsg_get_payload(nlh);
	struct ew_port_socket *s;
	bool connected;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return MNL_CB_OK;
	/* The kernel filtered already; checking again costs nothing and guards old kernels. */
	if (ntohs(m->id.idiag_sport) != c->port)
		return MNL_CB_OK;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct ew_port_socket *p = realloc(c->items, cap * sizeof(*p));
		if (!p) {
			c->error = -ENOMEM;
			return MNL_CB_ERROR;
		}
		c->items = p;
		c->cap = cap;
	}
	s = &c->items[c->n];
	memset(s, 0, sizeof(*s));
	s->proto = c->proto;
	s->family = m->idiag_family;
	s->port = c->port;
	s->state = m->idiag_state;
	s->v6only = -1;
	s->inode = m->idiag_inode;
	s->uid = m->idiag_uid;
	s->timer_s = -1;
	address_text(m->idiag_family, m->id.idiag_src, s->local, sizeof(s->local));
	connected = m->id.idiag_dport != 0 || !all_zero(m->id.idiag_dst, m->idiag_family);
	if (connected && s->state != ST_LISTEN) {
		address_text(m->idiag_family, m->id.idiag_dst, s->remote, sizeof(s->remote));
		s->remote_port = ntohs(m->id.idiag_dport);
	}
	if (m->idiag_timer == DIAG_TIMER_TIMEWAIT || (s->inode == 0 && m->idiag_expires))
		s->timer_s = (int)((m->idiag_expires + 999) / 1000);
	c->mnl->attr_parse(nlh, sizeof(*m), attr_cb, c);
	c->n++;
	return MNL_CB_OK;
}

/* The bytecode "sport >= port && sport <= port": the comparisons every kernel since 2.6 has.
 * Each comparison is an op followed by one holding the port; a false jump past the end
 * (len + 4) rejects the socket, reaching the end exactly accepts it. */
struct port_filter {
	struct inet_diag_bc_op ge, ge_port, le, le_port;
};

static void port_filter_init(struct port_filter *f, uint16_t port)
{
	memset(f, 0, sizeof(*f));
	f->ge.code = INET_DIAG_BC_S_GE;
	f->ge.yes = 2 * sizeof(struct inet_diag_bc_op);
	f->ge.no = sizeof(*f) + 4;
	f->ge_port.no = port;
	f->le.code = INET_DIAG_BC_S_LE;
	f->le.yes = 2 * sizeof(struct inet_diag_bc_op);
	f->le.no = 2 * sizeof(struct inet_diag_bc_op) + 4;
	f->le_port.no = port;
}

/* One dump: one family and protocol. */
static int dump(struct mnl_socket *nl, struct collect *c, int family, int proto,
		unsigned *seq)
{
	char buf[32768]; /* a dump page, as MNL_SOCKET_DUMP_SIZE of newer libmnl */
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	struct port_filter filter;
	unsigned portid = c->mnl->socket_get_portid(nl);
	ssize_t n;
	int ret;

	nlh = c->mnl->nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++*seq;
	req = c->mnl->nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = (uint8_t)proto;
	/* Every state, bound-inactive included where the kernel knows it (older ones ignore
	 * the bit). The TCP dump also skips on the id's sport before running the bytecode;
	 * the UDP dump compares that field in host order on some kernels, so it is left 0. */
	req->idiag_states = ~0u;
	if (proto == IPPROTO_TCP)
		req->id.idiag_sport = htons(c->port);
	port_filter_init(&filter, c->port);
	c->mnl->attr_put(nlh, INET_DIAG_REQ_BYTECODE, sizeof(filter), &filter);

	if (c->mnl->socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	c->proto = proto;
	for (;;) {
		n = c->mnl->socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		ret = c->mnl->cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, msg_cb, c);
		if (ret == MNL_CB_ERROR)
			return c->error ? c->error : -(errno ? errno : EIO);
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int ew_sockets_query(uint16_t port, unsigned protos, struct ew_port_socket **sockets,
		     size_t *n)
{
	static const int families[] = {AF_INET, AF_INET6};
	struct collect c = {.port = port};
	struct mnl_socket *nl;
	unsigned seq = (unsigned)time(NULL);
	int r = 0;

	c.mnl = ew_mnl_load();
	if (!c.mnl)
		return -ELIBACC;
	nl = c.mnl->socket_open(NETLINK_SOCK_DIAG);
	if (!nl)
		return -errno;
	if (c.mnl->socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	for (size_t i = 0; i < 2 && r == 0; i++) {
		if (protos & EW_PORT_TCP)
			r = dump(nl, &c, families[i], IPPROTO_TCP, &seq);
		if (r == 0 && (protos & EW_PORT_UDP))
			r = dump(nl, &c, families[i], IPPROTO_UDP, &seq);
		/* A kernel without IPv6 has nothing bound there: not an error. */
		if (r == -EAFNOSUPPORT && families[i] == AF_INET6)
			r = 0;
		/* No diag module for the protocol (inet_diag, tcp_diag, udp_diag). */
		if (r == -ENOENT)
			r = -EPROTONOSUPPORT;
	}
out:
	c.mnl->socket_close(nl);
	if (r < 0) {
		free(c.items);
		return r;
	}
	*sockets = c.items;
	*n = c.n;
	return 0;
}
