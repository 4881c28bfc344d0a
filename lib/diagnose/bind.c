/* bind.c: trial binds, the one exact answer to "could a server bind this port now": the
 * kernel's own conflict rules (SO_REUSEADDR, TIME_WAIT, V6ONLY) decide, not our reading of them. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diagnose.h"

/* Binds a socket to the wildcard address: IPv6 with V6ONLY off, so that one bind answers for
 * both families, or IPv4 alone on a kernel without IPv6. Returns the socket, or -errno. */
static int wildcard_socket(int type, uint16_t port, bool reuse)
{
	int one = 1, zero = 0, fd;
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port),
				  .sin6_addr = IN6ADDR_ANY_INIT};
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_ANY)};
	int r;

	fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (reuse)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		r = bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	} else if (errno == EAFNOSUPPORT) {
		fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (reuse)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		r = bind(fd, (struct sockaddr *)&a4, sizeof(a4));
	} else {
		return -errno;
	}
	if (r < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int ew_port_bindable(uint16_t port, unsigned protos, bool reuse)
{
	/* Port 0 would ask the kernel for any port: always "bindable", and no answer. */
	if (port == 0)
		return -EINVAL;
	if (!protos)
		protos = EW_PORT_TCP | EW_PORT_UDP;
	for (int i = 0; i < 2; i++) {
		int fd;
		if (!(protos & (i == 0 ? EW_PORT_TCP : EW_PORT_UDP)))
			continue;
		/* UDP has no TIME_WAIT, and two UDP sockets that both set SO_REUSEADDR share
		 * the port, so for UDP the strict bind is the only meaningful one. */
		fd = wildcard_socket(i == 0 ? SOCK_STREAM : SOCK_DGRAM, port, reuse && i == 0);
		if (fd == -EADDRINUSE)
			return 0;
		if (fd < 0)
			return fd;
		/* Bound but neither listening nor sending: closing leaves nothing behind. */
		close(fd);
	}
	return 1;
}

/* A port the kernel picks from its ephemeral range, checked for every protocol asked. */
static int kernel_pick(unsigned protos, uint16_t *out)
{
	for (int attempt = 0; attempt < 64; attempt++) {
		struct sockaddr_in6 a = {0};
		socklen_t len = sizeof(a);
		int fd = wildcard_socket(SOCK_STREAM, 0, false), r;
		uint16_t port;

		if (fd < 0)
			return fd;
		r = getsockname(fd, (struct sockaddr *)&a, &len);
		close(fd);
		if (r < 0)
			return -errno;
		/* sin_port sits at the same offset in sockaddr_in and sockaddr_in6. */
		port = ntohs(a.sin6_port);
		if (ew_port_bindable(port, protos, false) == 1) {
			*out = port;
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

int ew_port_find_free(uint16_t lo, uint16_t hi, unsigned protos, uint16_t *out)
{
	int last = 0;

	if (!out)
		return -EINVAL;
	if (!protos)
		protos = EW_PORT_TCP | EW_PORT_UDP;
	if (lo == 0)
		return kernel_pick(protos, out);
	if (hi < lo)
		return -EINVAL;
	for (unsigned p = lo; p <= hi; p++) {
		int r = ew_port_bindable((uint16_t)p, protos, false);
		if (r == 1) {
			*out = (uint16_t)p;
			return 0;
		}
		if (r < 0)
			last = r;
	}
	/* Nothing bindable: say why when every try failed the same odd way (EACCES). */
	return last == -EACCES ? -EACCES : -EADDRNOTAVAIL;
}
