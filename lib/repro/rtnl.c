/* rtnl.c: routes and addresses for a body's private network namespace, added over rtnetlink
 * with the libmnl that lib/diagnose/ loads at run time. Refused outside a private namespace,
 * so that a body can never change the machine's own routing. */
#include "child.h"
#include "diagnose/diagnose.h"

/* libmnl's MNL_SOCKET_BUFFER_SIZE, fixed: its macro asks sysconf() and makes arrays VLAs. */
#define NL_BUF 8192

static const char *route_type_name(int type)
{
	switch (type) {
	case RTN_UNICAST: return "unicast via lo";
	case RTN_UNREACHABLE: return "unreachable";
	case RTN_PROHIBIT: return "prohibit";
	case RTN_BLACKHOLE: return "blackhole";
	}
	return NULL;
}

/* Sends one request and reads its acknowledgement: 0, or -errno (the kernel's refusal). */
static int talk(const struct ew_mnl *m, struct nlmsghdr *nlh)
{
	char buf[NL_BUF];
	struct mnl_socket *nl = m->socket_open(NETLINK_ROUTE);
	ssize_t n;
	int e = 0;

	if (!nl)
		return -errno;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = 1;
	if (m->socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    m->socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		e = -errno;
		goto out;
	}
	errno = 0;
	n = m->socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0 || m->cb_run(buf, (size_t)n, 1, m->socket_get_portid(nl), NULL, NULL) < 0)
		e = errno ? -errno : -EIO;
out:
	m->socket_close(nl);
	return e;
}

/* Checks what every request needs: a private namespace, libmnl, an IPv4 address. */
static int prepare(struct ew_repro *r, const char *what, const char *address, int len,
		   const struct ew_mnl **m, struct in_addr *a)
{
	if (!r->netns) {
		errno = 0;
		return ew_repro_fail(r, "%s before ew_repro_netns(): refused", what);
	}
	if (len < 0 || len > 32 || !address || inet_pton(AF_INET, address, a) != 1) {
		errno = EINVAL;
		return ew_repro_fail(r, "%s: not an IPv4 prefix: %s/%d", what,
				     address ? address : "(null)", len);
	}
	if (!(*m = ew_mnl_load())) {
		errno = 0;
		return ew_repro_fail(r, "%s: %s", what, ew_mnl_error());
	}
	return 0;
}

int ew_repro_route(struct ew_repro *r, int type, const char *prefix, int len)
{
	char buf[NL_BUF];
	const char *name = route_type_name(type);
	const struct ew_mnl *m;
	struct nlmsghdr *nlh;
	struct rtmsg *rt;
	struct in_addr dst;
	uint32_t lo;
	int e;

	if (!name) {
		errno = EINVAL;
		return ew_repro_fail(r, "ew_repro_route: route type %d", type);
	}
	if ((e = prepare(r, "ew_repro_route", prefix, len, &m, &dst)) < 0)
		return e;
	nlh = m->nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	rt = m->nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = (unsigned char)len;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_STATIC;
	rt->rtm_type = (unsigned char)type;
	/* As ip-route(8) does: a gateway-less unicast route is on the link; the others are
	 * universe. */
	rt->rtm_scope = type == RTN_UNICAST ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	m->attr_put(nlh, RTA_DST, sizeof(dst), &dst);
	if (type == RTN_UNICAST) {
		lo = if_nametoindex("lo");
		m->attr_put(nlh, RTA_OIF, sizeof(lo), &lo);
	}
	if ((e = talk(m, nlh)) < 0) {
		errno = -e;
		return ew_repro_fail(r, "adding the route %s %s/%d", name, prefix, len);
	}
	ew_repro_step(r, "added the route %s %s/%d", name, prefix, len);
	return 0;
}

int ew_repro_address(struct ew_repro *r, const char *address, int len)
{
	char buf[NL_BUF];
	const struct ew_mnl *m;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	struct in_addr a;
	int e;

	if ((e = prepare(r, "ew_repro_address", address, len, &m, &a)) < 0)
		return e;
	nlh = m->nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = m->nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = if_nametoindex("lo");
	m->attr_put(nlh, IFA_LOCAL, sizeof(a), &a);
	m->attr_put(nlh, IFA_ADDRESS, sizeof(a), &a);
	if ((e = talk(m, nlh)) < 0) {
		errno = -e;
		return ew_repro_fail(r, "adding the address %s/%d to lo", address, len);
	}
	ew_repro_step(r, "added the address %s/%d to lo", address, len);
	return 0;
}
