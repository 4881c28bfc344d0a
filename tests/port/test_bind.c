/* test_bind.c: lib/diagnose/bind.c: trial binds tell a held port from a free one, and
 * --free finds a port both families can bind. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "errwhy.h"
#include "holder.h"

static struct holder h;

static int teardown(void **state)
{
	(void)state;
	holder_stop(&h);
	return 0;
}

/* Binds family's wildcard address on port: 0 or -errno. */
static int try_bind(int family, int type, uint16_t port)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	int one = 1, fd = socket(family, type, 0), r;

	if (fd < 0)
		return -errno;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	r = family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
			       : bind(fd, (struct sockaddr *)&a4, sizeof(a4));
	r = r < 0 ? -errno : 0;
	close(fd);
	return r;
}

static void test_free_port_is_bindable_everywhere(void **state)
{
	uint16_t port = 0;

	(void)state;
	assert_int_equal(ew_port_find_free(0, 0, 0, &port), 0);
	assert_true(port > 0);
	assert_int_equal(try_bind(AF_INET, SOCK_STREAM, port), 0);
	assert_int_equal(try_bind(AF_INET6, SOCK_STREAM, port), 0);
	assert_int_equal(try_bind(AF_INET, SOCK_DGRAM, port), 0);
	assert_int_equal(try_bind(AF_INET6, SOCK_DGRAM, port), 0);
	assert_int_equal(ew_port_bindable(port, 0, false), 1);
}

static void test_range_skips_held_ports(void **state)
{
	uint16_t port = 0;

	(void)state;
	assert_int_equal(holder_start(&h, 0), 0);
	assert_int_equal(ew_port_bindable(h.port, EW_PORT_TCP, true), 0);
	assert_int_equal(ew_port_bindable(h.port, EW_PORT_TCP, false), 0);
	assert_int_equal(ew_port_find_free(h.port, h.port, 0, &port), -EADDRNOTAVAIL);
	if (h.port < 65535) {
		assert_int_equal(ew_port_find_free(h.port, 65535, 0, &port), 0);
		assert_true(port > h.port);
	}
}

static void test_udp_holder_blocks(void **state)
{
	(void)state;
	assert_int_equal(holder_start(&h, HOLD_UDP), 0);
	assert_int_equal(ew_port_bindable(h.port, EW_PORT_UDP, true), 0);
	assert_int_equal(ew_port_bindable(h.port, 0, false), 0);
}

static void test_timewait_reuse_and_strict(void **state)
{
	uint16_t port = holder_timewait(true);

	(void)state;
	assert_int_not_equal(port, 0);
	assert_int_equal(ew_port_bindable(port, EW_PORT_TCP, true), 1);
	assert_int_equal(ew_port_bindable(port, EW_PORT_TCP, false), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_port_is_bindable_everywhere),
		cmocka_unit_test_teardown(test_range_skips_held_ports, teardown),
		cmocka_unit_test_teardown(test_udp_holder_blocks, teardown),
		cmocka_unit_test(test_timewait_reuse_and_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
