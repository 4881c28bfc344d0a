/* listen.c: the listening socket, made here rather than by the HTTP library so that bind's
 * errno reaches us and errwhy can explain it (who holds the port, what to do instead). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errwhy.h"
#include "serve.h"

/* errwhy port's reading of a port, and 0 besides: any free one. */
static int parse_port(const char *text, uint16_t *port)
{
	if (strcmp(text, "0") == 0) {
		*port = 0;
		return 0;
	}
	return ew_port_parse(text, port);
}

static int set_v4(struct serve_addr *a, const char *host)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;

	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
		return -EINVAL;
	in->sin_family = AF_INET;
	in->sin_port = htons(a->port);
	a->len = sizeof(*in);
	a->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	snprintf(a->host, sizeof(a->host), "%s", host);
	return 0;
}

static int set_v6(struct serve_addr *a, const char *host)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;

	if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
		return -EINVAL;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(a->port);
	a->len = sizeof(*in6);
	a->loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	snprintf(a->host, sizeof(a->host), "[%s]", host);
	return 0;
}

int serve_addr_parse(const char *text, struct serve_addr *a, const char **why)
{
	char host[64];
	const char *colon, *port;
	size_t hlen;

	*a = (struct serve_addr){0};
	*why = "expected HOST:PORT, [IPV6]:PORT or PORT";
	if (!text)
		return -EINVAL;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		hlen = (size_t)(close - text - 1);
		port = close + 2;
	} else if ((colon = strrchr(text, ':'))) {
		if (strchr(text, ':') != colon) {
			*why = "an IPv6 address goes in brackets: [::1]:8080";
			return -EINVAL;
		}
		hlen = (size_t)(colon - text);
		port = colon + 1;
	} else {
		hlen = 0;
		port = text;
	}
	if (hlen >= sizeof(host))
		return -EINVAL;
	if (parse_port(port, &a->port) < 0) {
		*why = "the port is a number from 0 (any free one) to 65535";
		return -EINVAL;
	}
	memcpy(host, text[0] == '[' ? text + 1 : text, hlen);
	host[hlen] = '\0';
	if (hlen == 0 && text[0] != '[')
		return set_v4(a, "127.0.0.1");
	if ((text[0] == '[' ? set_v6(a, host) : set_v4(a, host)) < 0) {
		*why = "the host is a numeric IPv4 or IPv6 address, or localhost";
		return -EINVAL;
	}
	return 0;
}

/* SO_REUSEADDR: after our own previous run, the connections it closed first sit in TIME_WAIT
 * for a minute, and without the option bind() would fail with EADDRINUSE all that time. With
 * it, Linux still refuses a port that a live socket listens on ("except when there is an
 * active listening socket bound to the address", socket(7)), so two servers never share one
 * by accident; SO_REUSEPORT, which would allow that, is not set. */
int serve_listen(struct serve_addr *a, int backlog)
{
	int fd, one = 1, err;
	struct sockaddr_storage got;
	socklen_t len = sizeof(got);

	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	/* [::1] means IPv6 alone; a v4-mapped twin would be a second, unasked-for address. */
	if (a->ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&a->ss, a->len) < 0 || listen(fd, backlog) < 0)
		goto fail;
	if (getsockname(fd, (struct sockaddr *)&got, &len) < 0)
		goto fail;
	a->port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
						  : ((struct sockaddr_in *)&got)->sin_port);
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}
