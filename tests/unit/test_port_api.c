/* test_port_api.c: the port API at its edges, without sockets: synthetic reports through the
 * renderers (outside data escaped, JSON lossless), and every function given NULL, 0, or an
 * out-of-range value answers instead of crashing. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "errwhy.h"

/* No byte of b is a C0 control but '\n', DEL, or the start of a C1 or bidi control. */
static void assert_terminal_safe(const struct ew_buf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		assert_true(c >= 0x20 || c == '\n');
		assert_true(c != 0x7f && c != 0x9b && c != 0xff);
	}
	assert_null(strstr(b->data, "\xc2\x9b"));
	assert_null(strstr(b->data, "\xe2\x80\xae"));
}

static char hostile_arg[] = "--title=\033]0;pwned\007\xe2\x80\xae\xff";
static char *hostile_argv[] = {"server", hostile_arg, NULL};

static struct ew_port_holder hostile = {
	.pid = 4242, .ppid = 1, .comm = "x\033[31mr\xc2\x9b\xff", .argv = hostile_argv, .argc = 2,
	.uid = 1000, .user = "u\033[2J", .started = -1, .unit = "evil\033[0m.service",
};

static struct ew_port_report *one_listener(struct ew_port_report *r, struct ew_port_socket *s,
					   struct ew_port_holder **hp)
{
	*hp = &hostile;
	*s = (struct ew_port_socket){.proto = IPPROTO_TCP, .family = AF_INET, .local = "0.0.0.0",
				     .port = 3000, .state = 10, .v6only = -1, .inode = 77,
				     .uid = 1000, .timer_s = -1, .holders = hp, .n_holders = 1};
	*r = (struct ew_port_report){.port = 3000, .protos = EW_PORT_TCP, .sockets = s,
				     .n_sockets = 1, .procs = hp, .n_procs = 1,
				     .verdict = EW_PORT_IN_USE, .tcp = EW_PORT_IN_USE,
				     .holders_looked = true, .bindable_reuse = -1,
				     .bindable_strict = -1, .unprivileged_port_start = 1024};
	return r;
}

static void test_text_escapes_process_data(void **state)
{
	struct ew_port_report r;
	struct ew_port_socket s;
	struct ew_port_holder *h;
	struct ew_buf b;

	(void)state;
	one_listener(&r, &s, &h);
	ew_buf_init(&b);
	assert_int_equal(ew_render_port_text(&b, &r, &(struct ew_text_style){.width = 80}), 0);
	assert_terminal_safe(&b);
	assert_non_null(strstr(b.data, "x\\x1b[31mr\\u009b\\xff (pid 4242"));
	assert_non_null(strstr(b.data, "\\u202e"));
	ew_buf_free(&b);
}

static void test_json_keeps_every_byte(void **state)
{
	struct ew_port_report r;
	struct ew_port_socket s;
	struct ew_port_holder *h;
	struct ew_buf b;
	json_t *root, *holder;

	(void)state;
	one_listener(&r, &s, &h);
	ew_buf_init(&b);
	assert_int_equal(ew_render_port_json(&b, &r, false), 0);
	assert_terminal_safe(&b);
	root = json_loads(b.data, 0, NULL);
	assert_non_null(root);
	holder = json_array_get(json_object_get(json_array_get(json_object_get(root, "sockets"), 0),
						"holders"), 0);
	assert_string_equal(json_string_value(json_object_get(holder, "comm")),
			    "x\033[31mr\xc2\x9b\xef\xbf\xbd");
	assert_string_equal(json_string_value(json_object_get(holder, "comm_bytes")),
			    "781b5b33316d72c29bff");
	assert_int_equal(json_array_size(json_object_get(holder, "cmdline")), 2);
	assert_int_equal(json_array_size(json_object_get(holder, "cmdline_bytes")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(holder, "cmdline_bytes"), 0)),
			    "736572766572");
	assert_non_null(json_string_value(json_object_get(root, "summary")));
	json_decref(root);
	ew_buf_free(&b);
}

/* A verdict of IN_USE with no socket (a hand-made report) renders instead of crashing. */
static void test_in_use_without_sockets(void **state)
{
	struct ew_port_report r = {.port = 9, .protos = EW_PORT_TCP, .verdict = EW_PORT_IN_USE,
				   .tcp = EW_PORT_IN_USE, .bindable_reuse = -1,
				   .bindable_strict = -1};
	struct ew_buf b;

	(void)state;
	ew_buf_init(&b);
	assert_int_equal(ew_render_port_text(&b, &r, &(struct ew_text_style){.width = 80}), 0);
	assert_int_equal(ew_render_port_verdict(&b, &r), 0);
	assert_int_equal(ew_render_port_json(&b, &r, true), 0);
	ew_buf_free(&b);
}

static void test_null_and_range_edges(void **state)
{
	uint16_t port;
	const char *why = NULL;
	struct ew_port_stop_result res = {.pid = 5, .comm = "\033x", .error = INT_MIN};
	struct ew_buf b;

	(void)state;
	assert_int_equal(ew_port_parse("80", NULL), -EINVAL);
	assert_int_equal(ew_port_parse(NULL, &port), -EINVAL);
	assert_int_equal(ew_port_find_free(0, 0, 0, NULL), -EINVAL);
	assert_int_equal(ew_port_bindable(0, 0, false), -EINVAL);
	assert_int_equal(ew_port_report_build(NULL, 80, 0), -EINVAL);
	assert_int_equal(ew_port_stop(NULL, SIGTERM, 0, &res), -EINVAL);
	assert_int_equal(ew_port_can_bind(NULL, false), -1);
	ew_port_report_free(NULL);
	assert_int_equal(ew_render_port_text(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(ew_render_port_json(NULL, NULL, false), -EINVAL);
	/* kill(2) reads 0 as the caller's group and -1 as every process. */
	assert_int_equal(ew_port_may_signal(0, &why), -EPERM);
	assert_string_equal(why, "not a single process");
	assert_int_equal(ew_port_may_signal(-1, NULL), -EPERM);
	assert_int_equal(ew_port_may_signal(INT_MIN, NULL), -EPERM);
	assert_non_null(ew_port_strerror(INT_MIN));
	assert_non_null(ew_port_strerror(INT_MAX));
	ew_buf_init(&b);
	assert_int_equal(ew_render_port_stop_text(&b, &res, 1, SIGTERM), 0);
	assert_terminal_safe(&b);
	assert_int_equal(ew_render_port_stop_json(&b, &res, 1, SIGTERM, NULL, false), 0);
	assert_int_equal(ew_render_port_stop_text(&b, NULL, 1, SIGTERM), -EINVAL);
	ew_buf_free(&b);
}

static void test_signals(void **state)
{
	(void)state;
	assert_int_equal(ew_signal_parse("TERM"), SIGTERM);
	assert_int_equal(ew_signal_parse("sigkill"), SIGKILL);
	assert_int_equal(ew_signal_parse("9"), SIGKILL);
	assert_int_equal(ew_signal_parse("IOT"), SIGABRT);
	assert_int_equal(ew_signal_parse("RTMIN"), SIGRTMIN);
	assert_int_equal(ew_signal_parse("RTMIN+2"), SIGRTMIN + 2);
	assert_int_equal(ew_signal_parse("RTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(ew_signal_parse("RTMAX"), SIGRTMAX);
	assert_int_equal(ew_signal_parse("64"), 64);
	assert_int_equal(ew_signal_parse("34"), 34);
	assert_int_equal(ew_signal_parse("32"), -1); /* glibc's own */
	assert_int_equal(ew_signal_parse("33"), -1);
	assert_int_equal(ew_signal_parse("0"), -1);
	assert_int_equal(ew_signal_parse("65"), -1);
	assert_int_equal(ew_signal_parse("RTMAX+1"), -1);
	assert_int_equal(ew_signal_parse("99999999999999999999"), -1);
	assert_int_equal(ew_signal_parse(NULL), -1);
	assert_string_equal(ew_signal_name(SIGTERM), "SIGTERM");
	assert_string_equal(ew_signal_name(SIGRTMAX), "SIGRTMAX");
	assert_string_equal(ew_signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
	assert_null(ew_signal_name(32));
	assert_null(ew_signal_name(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes_process_data),
		cmocka_unit_test(test_json_keeps_every_byte),
		cmocka_unit_test(test_in_use_without_sockets),
		cmocka_unit_test(test_null_and_range_edges),
		cmocka_unit_test(test_signals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
