/* test_resolv.c: the resolver configuration report on fixture files in a temporary
 * directory: nsswitch.conf's hosts: line with its actions, resolv.conf's servers, search
 * list and options, the systemd-resolved stub and its link, /etc/hosts matches, and the
 * syntax checks of a name. No query is sent: the fixture's nameserver is unroutable. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "errwhy.h"

static char base[64];
static char ns_path[128], rc_path[128], hosts_path[128], stub_path[128];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int remove_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/test_resolv.XXXXXX");
	if (!mkdtemp(base))
		return -1;
	snprintf(ns_path, sizeof(ns_path), "%s/nsswitch.conf", base);
	snprintf(rc_path, sizeof(rc_path), "%s/resolv.conf", base);
	snprintf(hosts_path, sizeof(hosts_path), "%s/hosts", base);
	snprintf(stub_path, sizeof(stub_path), "%s/stub-link", base);
	put(ns_path, "# comment\npasswd: files\nhosts:   files mdns4_minimal [NOTFOUND=return] "
		     "dns myhostname # trailing\nhosts: dns\n");
	put(rc_path, "; a comment\nnameserver 192.0.2.1\nnameserver 2001:db8::1\n"
		     "domain old.example\nsearch corp.example example.com\n"
		     "options ndots:2 timeout:3 attempts:9 rotate edns0 trust-ad\n");
	put(hosts_path, "127.0.0.1 localhost\n# 10.0.0.9 db.corp.example\n"
			"10.0.0.5\tDB.corp.example. db # the database\n"
			"10.0.0.6 db.corp.example.net\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct ew_resolv_report *build(const char *name, const char *rc)
{
	struct ew_resolv_paths p = {.nsswitch_conf = ns_path, .resolv_conf = rc, .hosts = hosts_path};
	struct ew_resolv_report *r = NULL;

	assert_int_equal(ew_resolv_report_build(&r, name, &p), 0);
	assert_non_null(r);
	return r;
}

static void test_nsswitch_hosts_line(void **state)
{
	struct ew_resolv_report *r = build(NULL, rc_path);
	static const char *want[] = {"files", "mdns4_minimal", "[NOTFOUND=return]", "dns",
				     "myhostname"};

	(void)state;
	assert_int_equal(r->nsswitch_error, 0);
	assert_true(r->hosts_line_found);
	assert_int_equal(r->n_hosts_sources, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(r->hosts_sources[i], want[i]);
	ew_resolv_report_free(r);
}

static void test_resolv_conf(void **state)
{
	struct ew_resolv_report *r = build(NULL, rc_path);

	(void)state;
	assert_int_equal(r->n_nameservers, 2);
	assert_string_equal(r->nameservers[1], "2001:db8::1");
	/* search came after domain: it wins. */
	assert_int_equal(r->n_search, 2);
	assert_string_equal(r->search[0], "corp.example");
	assert_int_equal(r->ndots, 2);
	assert_int_equal(r->timeout, 3);
	assert_int_equal(r->attempts, 5); /* glibc caps attempts at 5 */
	assert_true(r->rotate);
	assert_true(r->edns0);
	assert_false(r->stub);
	assert_null(r->resolv_link);
	ew_resolv_report_free(r);
}

static void test_stub_and_link(void **state)
{
	char target[128];
	struct ew_resolv_report *r;

	(void)state;
	snprintf(target, sizeof(target), "%s/stub-resolv.conf", base);
	put(target, "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n");
	unlink(stub_path);
	assert_int_equal(symlink("stub-resolv.conf", stub_path), 0);
	r = build("web", stub_path);
	assert_true(r->stub);
	assert_string_equal(r->resolv_link, "stub-resolv.conf");
	assert_int_equal(r->n_search, 0); /* "search ." */
	assert_false(r->search_first);
	assert_int_equal(r->ndots, 1);
	assert_int_equal(r->timeout, 5);
	assert_int_equal(r->attempts, 2);
	ew_resolv_report_free(r);
}

/* A block list makes /etc/hosts megabytes long: a name near its end is still found, at its
 * line number. */
static void test_long_hosts_file(void **state)
{
	char path[160];
	struct ew_resolv_paths p = {.nsswitch_conf = ns_path, .resolv_conf = rc_path, .hosts = path};
	struct ew_resolv_report *r = NULL;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/hosts-long", base);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 50000; i++)
		fprintf(f, "0.0.0.0 ads%d.example\n", i);
	fprintf(f, "10.1.2.3 late.example\n");
	fclose(f);
	assert_int_equal(ew_resolv_report_build(&r, "late.example", &p), 0);
	assert_int_equal(r->n_hosts_lines, 1);
	assert_int_equal(r->hosts_lines[0].line, 50001);
	assert_string_equal(r->hosts_lines[0].text, "10.1.2.3 late.example");
	ew_resolv_report_free(r);
}

static void test_hosts_matches(void **state)
{
	struct ew_resolv_report *r = build("db.corp.example", rc_path);
	struct ew_resolv_report *dot = build("DB.CORP.EXAMPLE.", rc_path);

	(void)state;
	/* Case and a trailing dot aside; a comment line and a longer name do not count. */
	assert_int_equal(r->n_hosts_lines, 1);
	assert_int_equal(r->hosts_lines[0].line, 3);
	assert_string_equal(r->hosts_lines[0].text, "10.0.0.5\tDB.corp.example. db # the database");
	assert_int_equal(dot->n_hosts_lines, 1);
	assert_true(dot->absolute);
	assert_false(dot->search_first);
	assert_int_equal(dot->name_dots, 2);
	ew_resolv_report_free(r);
	ew_resolv_report_free(dot);
}

static void test_ndots_and_search(void **state)
{
	struct ew_resolv_report *r = build("db", rc_path), *two = build("a.b.c", rc_path);
	struct ew_buf b;

	(void)state;
	assert_int_equal(r->name_dots, 0);
	assert_true(r->search_first);
	assert_false(two->search_first);
	ew_buf_init(&b);
	assert_int_equal(ew_render_resolv_text(&b, r, NULL), 0);
	assert_non_null(strstr(b.data, "/etc/hosts line 3: 10.0.0.5\\tDB.corp.example. db"));
	assert_non_null(strstr(b.data, "0 dots, fewer than ndots 2: the search domains are tried "
				       "first: db.corp.example, db.example.com, then db\n"));
	assert_non_null(strstr(b.data, "hosts: files mdns4_minimal [NOTFOUND=return] dns"));
	ew_buf_free(&b);
	ew_resolv_report_free(r);
	ew_resolv_report_free(two);
}

static void test_invalid_names(void **state)
{
	char label64[80], long_name[300];

	(void)state;
	memset(label64, 'a', 64);
	strcpy(label64 + 64, ".com");
	for (size_t i = 0; i < 254; i++)
		long_name[i] = i % 2 ? '.' : 'a';
	long_name[254] = 'a';
	long_name[255] = '\0';
	assert_null(ew_resolv_name_invalid("example.com"));
	assert_null(ew_resolv_name_invalid("example.com."));
	assert_null(ew_resolv_name_invalid("xn--bcher-kva.example"));
	assert_string_equal(ew_resolv_name_invalid(label64), "a label longer than 63 bytes");
	label64[63] = '\0';
	assert_null(ew_resolv_name_invalid(label64));
	assert_string_equal(ew_resolv_name_invalid(long_name), "longer than 253 bytes");
	assert_string_equal(ew_resolv_name_invalid("-web.example"),
			    "a label that starts with a hyphen");
	assert_non_null(strstr(ew_resolv_name_invalid("my_host.example"), "underscore"));
	assert_non_null(strstr(ew_resolv_name_invalid("a b.example"), "a character other"));
	assert_non_null(strstr(ew_resolv_name_invalid("a..b"), "empty label"));
	assert_string_equal(ew_resolv_name_invalid(""), "an empty name");
	assert_string_equal(ew_resolv_name_invalid(NULL), "an empty name");
}

/* Missing files say so; a hostile name is escaped in text and kept in JSON. */
static void test_missing_files_and_json(void **state)
{
	struct ew_resolv_paths p = {.nsswitch_conf = "/nonexistent/ns", .resolv_conf = "/nonexistent/rc",
				    .hosts = "/nonexistent/hosts"};
	struct ew_resolv_report *r = NULL;
	struct ew_buf b;
	json_t *root;

	(void)state;
	assert_int_equal(ew_resolv_report_build(&r, "x\033[2Jy", &p), 0);
	assert_int_equal(r->nsswitch_error, -ENOENT);
	assert_int_equal(r->resolv_error, -ENOENT);
	assert_int_equal(r->hosts_error, -ENOENT);
	assert_int_equal(r->ndots, 1);
	ew_buf_init(&b);
	assert_int_equal(ew_render_resolv_text(&b, r, NULL), 0);
	assert_null(strchr(b.data, '\033'));
	assert_non_null(strstr(b.data, "name x\\x1b[2Jy: not a valid host name"));
	ew_buf_free(&b);
	assert_int_equal(ew_render_resolv_json(&b, r, true), 0);
	root = json_loads(b.data, 0, NULL);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "name")), "x\033[2Jy");
	assert_string_equal(json_string_value(json_object_get(json_object_get(root, "hosts"), "error")),
			    "No such file or directory");
	json_decref(root);
	ew_buf_free(&b);
	ew_resolv_report_free(r);
	assert_int_equal(ew_resolv_report_build(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(ew_render_resolv_text(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(ew_render_resolv_json(NULL, NULL, false), -EINVAL);
	ew_resolv_report_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsswitch_hosts_line),
		cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test(test_stub_and_link),
		cmocka_unit_test(test_hosts_matches),
		cmocka_unit_test(test_long_hosts_file),
		cmocka_unit_test(test_ndots_and_search),
		cmocka_unit_test(test_invalid_names),
		cmocka_unit_test(test_missing_files_and_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
