/* test_port.c: lib/diagnose/port.c and its renderers on real loopback sockets: a listener is
 * found with its pid, TIME_WAIT with no owner, UDP, a dual-stack :: listener, every sharer. */
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
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

static struct ew_port_report *report(uint16_t port, unsigned flags)
{
	struct ew_port_report *r = NULL;
	int ret = ew_port_report_build(&r, port, flags);

	if (ret < 0)
		fail_msg("ew_port_report_build: %s", ew_port_strerror(ret));
	return r;
}

static void test_parse(void **state)
{
	uint16_t p = 0;

	(void)state;
	assert_int_equal(ew_port_parse("3000", &p), 0);
	assert_int_equal(p, 3000);
	assert_int_equal(ew_port_parse("65535", &p), 0);
	assert_int_equal(ew_port_parse("0", &p), -ERANGE);
	assert_int_equal(ew_port_parse("70000", &p), -ERANGE);
	assert_int_equal(ew_port_parse("99999999999999999999", &p), -ERANGE);
	assert_int_equal(ew_port_parse("abc", &p), -EINVAL);
	assert_int_equal(ew_port_parse("", &p), -EINVAL);
	assert_int_equal(ew_port_parse("-1", &p), -EINVAL);
	assert_int_equal(ew_port_parse(" 80", &p), -EINVAL);
}

static void test_listener_found_with_pid(void **state)
{
	struct ew_port_report *r;

	(void)state;
	assert_int_equal(holder_start(&h, 0), 0);
	r = report(h.port, EW_PORT_TCP);
	assert_int_equal(r->verdict, EW_PORT_IN_USE);
	assert_true(r->n_sockets >= 1);
	assert_int_equal(r->sockets[0].state, 10); /* LISTEN */
	assert_string_equal(r->sockets[0].local, "127.0.0.1");
	assert_int_equal(r->sockets[0].family, AF_INET);
	assert_true(r->sockets[0].inode != 0);
	assert_int_equal(r->sockets[0].n_holders, 1);
	assert_int_equal(r->sockets[0].holders[0]->pid, h.pid);
	assert_int_equal(r->sockets[0].holders[0]->ppid, getpid());
	assert_int_equal(r->sockets[0].holders[0]->uid, geteuid());
	assert_true(r->sockets[0].holders[0]->argc >= 1);
	assert_true(r->sockets[0].holders[0]->started > 0);
	ew_port_report_free(r);
}

static void test_all_holders_lists_every_sharer(void **state)
{
	struct ew_port_report *r;

	(void)state;
	assert_int_equal(holder_start(&h, HOLD_SHARE), 0);
	r = report(h.port, EW_PORT_TCP | EW_PORT_ALL_HOLDERS);
	assert_true(r->complete);
	assert_int_equal(r->sockets[0].n_holders, 2);
	assert_int_equal(r->n_procs, 2);
	assert_true((r->procs[0]->pid == h.pid && r->procs[1]->pid == h.pid2) ||
		    (r->procs[0]->pid == h.pid2 && r->procs[1]->pid == h.pid));
	ew_port_report_free(r);

	/* The display path stops at the first holder it finds, and says it did. */
	r = report(h.port, EW_PORT_TCP);
	assert_true(r->sockets[0].n_holders >= 1);
	ew_port_report_free(r);
}

static void test_timewait_has_no_owner(void **state)
{
	uint16_t port = holder_timewait(true);
	struct ew_port_report *r;
	struct ew_buf b;

	(void)state;
	assert_int_not_equal(port, 0);
	r = report(port, 0);
	assert_int_equal(r->verdict, EW_PORT_TIME_WAIT);
	assert_true(r->n_sockets >= 1);
	for (size_t i = 0; i < r->n_sockets; i++) {
		assert_int_equal(r->sockets[i].state, 6); /* TIME_WAIT */
		assert_int_equal(r->sockets[i].inode, 0);
		assert_int_equal(r->sockets[i].n_holders, 0);
		assert_true(r->sockets[i].timer_s > 0 && r->sockets[i].timer_s <= 60);
	}
	assert_int_equal(r->n_procs, 0);
	/* The server set SO_REUSEADDR, so its TIME_WAIT lets another such server in. */
	assert_int_equal(r->bindable_reuse, 1);
	ew_buf_init(&b);
	assert_int_equal(ew_render_port_verdict(&b, r), 0);
	assert_non_null(strstr(b.data, "no process holds it: 1 TIME_WAIT socket"));
	assert_non_null(strstr(b.data, "can bind now"));
	ew_buf_free(&b);
	ew_port_report_free(r);
}

static void test_timewait_without_reuseaddr_blocks(void **state)
{
	uint16_t port = holder_timewait(false);
	struct ew_port_report *r;
	struct ew_buf b;

	(void)state;
	assert_int_not_equal(port, 0);
	r = report(port, EW_PORT_TCP);
	assert_int_equal(r->verdict, EW_PORT_TIME_WAIT);
	assert_int_equal(r->bindable_reuse, 0);
	ew_buf_init(&b);
	ew_render_port_verdict(&b, r);
	assert_non_null(strstr(b.data, "not even one that sets SO_REUSEADDR"));
	ew_buf_free(&b);
	ew_port_report_free(r);
}

static void test_udp(void **state)
{
	struct ew_port_report *r;

	(void)state;
	assert_int_equal(holder_start(&h, HOLD_UDP), 0);
	r = report(h.port, EW_PORT_UDP);
	assert_int_equal(r->verdict, EW_PORT_IN_USE);
	assert_int_equal(r->n_sockets, 1);
	assert_int_equal(r->sockets[0].proto, IPPROTO_UDP);
	assert_int_equal(r->sockets[0].holders[0]->pid, h.pid);
	ew_port_report_free(r);
	/* Both protocols by default. */
	r = report(h.port, 0);
	assert_int_equal(r->verdict, EW_PORT_IN_USE);
	ew_port_report_free(r);
	/* TCP alone does not see it (the same port number may have TCP sockets of its own,
	 * say a TIME_WAIT left by another test's connection, but no UDP one is listed). */
	r = report(h.port, EW_PORT_TCP);
	for (size_t i = 0; i < r->n_sockets; i++)
		assert_int_equal(r->sockets[i].proto, IPPROTO_TCP);
	ew_port_report_free(r);
}

static void test_dual_stack_listener_blocks_ipv4(void **state)
{
	struct ew_port_report *r;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
	int fd;

	(void)state;
	assert_int_equal(holder_start(&h, HOLD_DUAL), 0);
	r = report(h.port, EW_PORT_TCP);
	assert_int_equal(r->verdict, EW_PORT_IN_USE);
	assert_int_equal(r->n_sockets, 1);
	/* A :: listener shows up under IPv6 only, and says it takes IPv4 too. */
	assert_int_equal(r->sockets[0].family, AF_INET6);
	assert_string_equal(r->sockets[0].local, "::");
	assert_int_equal(r->sockets[0].v6only, 0);
	assert_int_equal(r->sockets[0].holders[0]->pid, h.pid);
	ew_port_report_free(r);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_port = htons(h.port);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, EADDRINUSE);
	close(fd);
	assert_int_equal(ew_port_bindable(h.port, EW_PORT_TCP, true), 0);
}

static void test_v6only_listener_leaves_ipv4(void **state)
{
	struct ew_port_report *r;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd;

	(void)state;
	/* The kernel picks the listener's port for IPv6 alone, so an IPv4 socket of some other
	 * test (a TIME_WAIT left a moment ago) may have the same number: draw again then. */
	for (int attempt = 0;; attempt++) {
		bool ipv4_taken = false;
		assert_int_equal(holder_start(&h, HOLD_V6ONLY), 0);
		r = report(h.port, EW_PORT_TCP);
		assert_int_equal(r->sockets[0].v6only, 1);
		for (size_t i = 0; i < r->n_sockets; i++)
			ipv4_taken |= r->sockets[i].family == AF_INET;
		ew_port_report_free(r);
		if (!ipv4_taken)
			break;
		assert_true(attempt < 20);
		holder_stop(&h);
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_port = htons(h.port);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(fd);
}

static void test_text_and_json(void **state)
{
	struct ew_port_report *r;
	struct ew_text_style st = {.width = 80, .color = false};
	struct ew_buf b;
	json_t *root, *sock, *holder;
	json_error_t err;
	char pid[32];

	(void)state;
	assert_int_equal(holder_start(&h, 0), 0);
	r = report(h.port, EW_PORT_TCP);
	ew_buf_init(&b);
	assert_int_equal(ew_render_port_text(&b, r, &st), 0);
	snprintf(pid, sizeof(pid), "pid %d", (int)h.pid);
	assert_non_null(strstr(b.data, "in use: "));
	assert_non_null(strstr(b.data, pid));
	assert_non_null(strstr(b.data, "LISTEN"));
	assert_null(strchr(b.data, '\033')); /* no colour asked, none given */
	ew_buf_free(&b);

	ew_buf_init(&b);
	assert_int_equal(ew_render_port_json(&b, r, false), 0);
	root = json_loads(b.data, 0, &err);
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(root, "port")), h.port);
	assert_string_equal(json_string_value(json_object_get(root, "verdict")), "in_use");
	assert_true(json_is_false(json_object_get(root, "hidden_holders")));
	sock = json_array_get(json_object_get(root, "sockets"), 0);
	assert_string_equal(json_string_value(json_object_get(sock, "proto")), "tcp");
	assert_string_equal(json_string_value(json_object_get(sock, "family")), "inet");
	assert_string_equal(json_string_value(json_object_get(sock, "state")), "LISTEN");
	assert_true(json_is_null(json_object_get(sock, "timer_s")));
	assert_true(json_is_null(json_object_get(sock, "v6only")));
	holder = json_array_get(json_object_get(sock, "holders"), 0);
	assert_int_equal(json_integer_value(json_object_get(holder, "pid")), h.pid);
	assert_true(json_is_array(json_object_get(holder, "cmdline")));
	assert_true(json_is_string(json_object_get(holder, "started")));
	json_decref(root);
	ew_buf_free(&b);
	ew_port_report_free(r);
}

static void test_free_port(void **state)
{
	struct ew_port_report *r;
	uint16_t port = 0;

	(void)state;
	assert_int_equal(ew_port_find_free(0, 0, 0, &port), 0);
	r = report(port, 0);
	assert_int_equal(r->verdict, EW_PORT_FREE);
	assert_int_equal(r->n_sockets, 0);
	ew_port_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_teardown(test_listener_found_with_pid, teardown),
		cmocka_unit_test_teardown(test_all_holders_lists_every_sharer, teardown),
		cmocka_unit_test(test_timewait_has_no_owner),
		cmocka_unit_test(test_timewait_without_reuseaddr_blocks),
		cmocka_unit_test_teardown(test_udp, teardown),
		cmocka_unit_test_teardown(test_dual_stack_listener_blocks_ipv4, teardown),
		cmocka_unit_test_teardown(test_v6only_listener_leaves_ipv4, teardown),
		cmocka_unit_test_teardown(test_text_and_json, teardown),
		cmocka_unit_test(test_free_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
