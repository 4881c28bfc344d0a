/* standin.c: TEMPORARY. Two hand-written reproductions standing in for the table that
 * catalogc will generate from the catalog's "Built-in reproduction" sections, so that the
 * runner and `errwhy repro` can be built and tried before it does. Weak: the generated
 * definitions in catalog_data.c win. Removed once main's catalogc emits the table. */
#include "catalog.h"
#include "repro/repro.h"

static int standin_eaddrinuse(struct ew_repro *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int one = socket(AF_INET, SOCK_STREAM, 0), two = socket(AF_INET, SOCK_STREAM, 0);

	if (one < 0 || two < 0)
		return ew_repro_fail(r, "socket()");
	if (bind(one, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(one, 1) < 0 ||
	    getsockname(one, (struct sockaddr *)&a, &len) < 0)
		return ew_repro_fail(r, "listening on 127.0.0.1");
	ew_repro_step(r, "listening on 127.0.0.1:%u", ntohs(a.sin_port));
	ew_repro_call(r, "bind(127.0.0.1:%u)", ntohs(a.sin_port));
	return bind(two, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : errno;
}

static int standin_enetunreach(struct ew_repro *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd, rc;

	if ((rc = ew_repro_netns(r)) != 0)
		return rc;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return ew_repro_fail(r, "socket()");
	inet_pton(AF_INET, "198.51.100.1", &a.sin_addr);
	ew_repro_call(r, "connect(198.51.100.1:9) with no route to it");
	return connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : errno;
}

__attribute__((weak)) const struct ew_repro_case ew_catalog_repros[] = {
	{"EADDRINUSE", standin_eaddrinuse},
	{"ENETUNREACH", standin_enetunreach},
};
__attribute__((weak)) const size_t ew_catalog_n_repros =
	sizeof(ew_catalog_repros) / sizeof(ew_catalog_repros[0]);
