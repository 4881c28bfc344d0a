/* test_limits.c: the pieces of a limits report that parse kernel text (/proc/PID/limits rows,
 * inotify fdinfo, fd links), which pages get which parts, and what the renderers make of
 * reports built by hand: at the limit, unlimited, unreadable. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "diagnose/limits.h"
#include "errwhy.h"

/* As Linux 6.x prints it: a header, then one row per limit, columns padded with spaces. */
static const char limits_text[] =
	"Limit                     Soft Limit           Hard Limit           Units     \n"
	"Max cpu time              unlimited            unlimited            seconds   \n"
	"Max processes             63422                63422                processes \n"
	"Max open files            1024                 524288               files     \n"
	"Max locked memory         8388608              8388608              bytes     \n"
	"Max open files too        7                    7                    files     \n"
	"Max msgqueue size         unlimited            819200               bytes     \n";

static void rlimit_rows(void **state)
{
	uint64_t soft = 0, hard = 0;

	(void)state;
	assert_int_equal(ew_limits_parse_rlimit(limits_text, "Max open files", &soft, &hard), 0);
	assert_int_equal(soft, 1024);
	assert_int_equal(hard, 524288);
	assert_int_equal(ew_limits_parse_rlimit(limits_text, "Max processes", &soft, &hard), 0);
	assert_int_equal(soft, 63422);
	assert_int_equal(ew_limits_parse_rlimit(limits_text, "Max cpu time", &soft, &hard), 0);
	assert_true(soft == EW_LIMIT_UNLIMITED && hard == EW_LIMIT_UNLIMITED);
	assert_int_equal(ew_limits_parse_rlimit(limits_text, "Max msgqueue size", &soft, &hard), 0);
	assert_true(soft == EW_LIMIT_UNLIMITED && hard == 819200);
	/* A row is named whole: "Max open" is no row, and "Max open files too" is its own. */
	assert_int_equal(ew_limits_parse_rlimit(limits_text, "Max open", &soft, &hard), -ENOENT);
	assert_int_equal(ew_limits_parse_rlimit("", "Max open files", &soft, &hard), -ENOENT);
	assert_int_equal(ew_limits_parse_rlimit("Max open files   x  y\n", "Max open files", &soft,
						&hard),
			 -ENOENT);
}

static void fdinfo_watches(void **state)
{
	static const char two[] =
		"pos:\t0\nflags:\t02004000\nmnt_id:\t15\nino:\t1057\n"
		"inotify wd:2 ino:2a0f sdev:800001 mask:100 ignored_mask:0 fhandle-bytes:8 "
		"fhandle-type:1 f_handle:0f2a000000000000\n"
		"inotify wd:1 ino:2a0e sdev:800001 mask:100 ignored_mask:0 fhandle-bytes:8 "
		"fhandle-type:1 f_handle:0e2a000000000000\n";

	(void)state;
	assert_int_equal(ew_limits_fdinfo_watches(two), 2);
	assert_int_equal(ew_limits_fdinfo_watches("pos:\t0\nflags:\t02004000\n"), 0);
	/* Only at the start of a line: the words elsewhere are no watch. */
	assert_int_equal(ew_limits_fdinfo_watches("x inotify wd:1\n"), 0);
	assert_int_equal(ew_limits_fdinfo_watches("inotify wd:1 ino:1\n"), 1);
}

static void fd_kinds(void **state)
{
	static const struct {
		const char *link, *kind;
	} cases[] = {
		{"socket:[123456]", "socket"}, {"pipe:[99]", "pipe"},
		{"anon_inode:[eventfd]", "anon"}, {"anon_inode:inotify", "anon"},
		{"/dev/null", "device"}, {"/dev/pts/3", "device"}, {"/dev/shm/x", "file"},
		{"/home/a/b.txt (deleted)", "file"}, {"net:[4026531840]", "other"}, {"", "other"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(ew_limits_fd_kind(cases[i].link, strlen(cases[i].link)),
				    cases[i].kind);
}

static const struct ew_entry *entry(const char *name)
{
	struct ew_match m;
	assert_int_equal(ew_lookup(name, &m, 1, NULL), 1);
	return m.entry;
}

static void pages(void **state)
{
	(void)state;
	assert_int_equal(ew_limits_applies(entry("EMFILE")), EW_LIMITS_FDS | EW_LIMITS_INOTIFY);
	assert_int_equal(ew_limits_applies(entry("ENFILE")), EW_LIMITS_SYSTEM_FILES);
	assert_int_equal(ew_limits_applies(entry("ENOSPC")), EW_LIMITS_INOTIFY);
	assert_int_equal(ew_limits_applies(entry("EAGAIN")), EW_LIMITS_PROCESSES);
	assert_int_equal(ew_limits_applies(entry("EWOULDBLOCK")), EW_LIMITS_PROCESSES);
	assert_int_equal(ew_limits_applies(entry("ENOMEM")), EW_LIMITS_MAPS);
	assert_int_equal(ew_limits_applies(entry("EADDRINUSE")), 0);
	assert_int_equal(ew_limits_applies(NULL), 0);
}

/* A report as the library would make it, with no /proc behind it. */
static struct ew_limits_report made(void)
{
	struct ew_limits_report r = {.parts = EW_LIMITS_ALL, .pid = 4121, .uid = 1000,
				     .caller_uid = 1000};

	strcpy(r.comm, "node\x1b[31m");
	r.fds = (struct ew_limits_fds){.open = 1024, .soft = 1024, .hard = 4096, .nr_open = 1048576,
				       .socket = 1000, .file = 24};
	r.fds.top[0] = (struct ew_limits_fd_group){.target = (char *)"socket", .kind = "socket",
						   .count = 1000};
	r.fds.n_top = 1;
	r.system_files = (struct ew_limits_system_files){.open = 100, .max = 1000};
	r.inotify = (struct ew_limits_inotify){.instances = 2, .max_instances = 128, .watches = 10,
					       .max_watches = 100};
	r.processes = (struct ew_limits_processes){.threads = 5, .processes = 3,
						   .soft = EW_LIMIT_UNLIMITED,
						   .hard = EW_LIMIT_UNLIMITED, .threads_max = 1000,
						   .system_threads = 50};
	r.maps = (struct ew_limits_maps){.error = -EACCES, .max = 65530};
	return r;
}

static void text_verdicts(void **state)
{
	struct ew_limits_report r = made();
	struct ew_buf b;

	(void)state;
	ew_buf_init(&b);
	assert_int_equal(ew_render_limits_verdict(&b, &r, EW_LIMITS_ALL), 0);
	/* The comm is outside text: its escape arrives escaped. */
	assert_string_equal(b.data, "node\\x1b[31m (pid 4121): open files at the limit, 1024 of "
				    "1024 (100%, at the limit): the next one fails with EMFILE");
	ew_buf_free(&b);
	/* On ENOSPC's page only inotify counts: 10 of 100 watches. */
	assert_int_equal(ew_render_limits_verdict(&b, &r, EW_LIMITS_INOTIFY), 0);
	assert_non_null(strstr(b.data, "no limit is close; the closest is inotify watches, 10 of "
				       "100 (10%)"));
	ew_buf_free(&b);
	assert_int_equal(ew_render_limits_text(&b, &r, EW_LIMITS_ALL, NULL), 0);
	assert_non_null(strstr(b.data, "prlimit --pid 4121 --nofile=4096:4096"));
	assert_non_null(strstr(b.data, "5 in 3 processes, 5 (no limit)"));
	assert_non_null(strstr(b.data, "/proc/4121/maps could not be read: Permission denied (run"));
	assert_null(strstr(b.data, "\x1b"));
	ew_buf_free(&b);
	assert_int_equal(ew_render_limits_text(&b, &r, EW_LIMITS_MAPS, NULL), 0);
	assert_null(strstr(b.data, "open files:"));
	ew_buf_free(&b);
	assert_int_equal(ew_render_limits_text(NULL, &r, EW_LIMITS_ALL, NULL), -EINVAL);
	assert_int_equal(ew_render_limits_verdict(&b, NULL, EW_LIMITS_ALL), -EINVAL);
}

static void json_nulls(void **state)
{
	struct ew_limits_report r = made();
	struct ew_buf b;
	json_t *o, *maps, *p;

	(void)state;
	ew_buf_init(&b);
	assert_int_equal(ew_render_limits_json(&b, &r, EW_LIMITS_ALL, false), 0);
	o = json_loads(b.data, 0, NULL);
	assert_non_null(o);
	maps = json_object_get(o, "maps");
	assert_true(json_is_null(json_object_get(maps, "count")));
	assert_string_equal(json_string_value(json_object_get(maps, "error")), "Permission denied");
	p = json_object_get(o, "processes");
	assert_string_equal(json_string_value(json_object_get(p, "soft")), "unlimited");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "fds"), "open")),
			 1024);
	assert_string_equal(json_string_value(json_object_get(o, "comm")), "node\x1b[31m");
	json_decref(o);
	ew_buf_free(&b);
	/* Only the parts asked for. */
	assert_int_equal(ew_render_limits_json(&b, &r, EW_LIMITS_INOTIFY, false), 0);
	o = json_loads(b.data, 0, NULL);
	assert_non_null(json_object_get(o, "inotify"));
	assert_null(json_object_get(o, "fds"));
	json_decref(o);
	ew_buf_free(&b);
}

static void live_self(void **state)
{
	struct ew_limits_report *r = NULL;

	(void)state;
	assert_int_equal(ew_limits_report_build(&r, (int)getpid(), EW_LIMITS_FDS | EW_LIMITS_MAPS),
			 0);
	assert_int_equal(r->pid, getpid());
	assert_false(r->parent);
	assert_int_equal(r->fds.error, 0);
	assert_true(r->fds.open >= 3);
	assert_int_equal(r->maps.error, 0);
	assert_true(r->maps.count > 0);
	ew_limits_report_free(r);
	assert_int_equal(ew_limits_report_build(&r, -1, EW_LIMITS_ALL), -EINVAL);
	assert_int_equal(ew_limits_report_build(NULL, 1, EW_LIMITS_ALL), -EINVAL);
	ew_limits_report_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rlimit_rows),   cmocka_unit_test(fdinfo_watches),
		cmocka_unit_test(fd_kinds),      cmocka_unit_test(pages),
		cmocka_unit_test(text_verdicts), cmocka_unit_test(json_nulls),
		cmocka_unit_test(live_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
