/* test_path.c: the pure pieces of errwhy path (mode strings, near-miss names, the access rules
 * of acl(5) and capabilities(7) on crafted modes and ACLs) and reports on a scratch tree:
 * missing, not a directory, a loop, a long name, create over an existing name, file names
 * with control characters escaped in text and JSON. */
#include <errno.h>
#include <fcntl.h>
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

#include "diagnose/path.h"
#include "errwhy.h"

static char base[64];

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/ew-test-path.XXXXXX");
	if (!mkdtemp(base))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static char *in_base(const char *name)
{
	static char p[4][4600];
	static unsigned next;
	char *out = p[next++ % 4];

	snprintf(out, sizeof(p[0]), "%s/%s", base, name);
	return out;
}

static void test_mode_strings(void **state)
{
	char m[11];

	(void)state;
	ew_path_mode_string(S_IFDIR | 0755, m);
	assert_string_equal(m, "drwxr-xr-x");
	ew_path_mode_string(S_IFDIR | 01777, m);
	assert_string_equal(m, "drwxrwxrwt");
	ew_path_mode_string(S_IFDIR | 01770, m);
	assert_string_equal(m, "drwxrwx--T");
	ew_path_mode_string(S_IFREG | 04755, m);
	assert_string_equal(m, "-rwsr-xr-x");
	ew_path_mode_string(S_IFREG | 02644, m);
	assert_string_equal(m, "-rw-r-Sr--");
	ew_path_mode_string(S_IFLNK | 0777, m);
	assert_string_equal(m, "lrwxrwxrwx");
	ew_path_mode_string(S_IFREG, m);
	assert_string_equal(m, "----------");
}

static void test_near_names(void **state)
{
	char *near[3];
	size_t n;

	(void)state;
	assert_int_equal(ew_path_distance("defualt", "default"), 1); /* one swap */
	assert_int_equal(ew_path_distance("kitten", "sitting"), 3);
	assert_int_equal(ew_path_distance("", "abc"), 3);
	assert_int_equal(mkdir(in_base("default"), 0755), 0);
	assert_int_equal(mkdir(in_base("defaults.d"), 0755), 0);
	assert_int_equal(mkdir(in_base("unrelated"), 0755), 0);
	n = ew_path_near_names(base, "defualt", near, 3);
	assert_int_equal(n, 1);
	assert_string_equal(near[0], "default");
	free(near[0]);
	n = ew_path_near_names(base, "DEFAULT", near, 3);
	assert_int_equal(n, 1);
	assert_string_equal(near[0], "default");
	free(near[0]);
	/* Short names are near everything short: none is offered. */
	assert_int_equal(ew_path_near_names(base, "x", near, 3), 0);
	assert_int_equal(ew_path_near_names("/nonexistent-dir", "default", near, 3), 0);
}

static struct ew_path_user user(uint32_t uid, uint32_t gid, gid_t *groups, size_t n)
{
	return (struct ew_path_user){.uid = uid, .gid = gid, .groups = groups, .n_groups = n};
}

static void test_access_classes(void **state)
{
	gid_t staff[] = {50};
	struct ew_path_user nobody = user(65534, 65534, NULL, 0), bob = user(1000, 1000, staff, 1),
			    root = user(0, 0, NULL, 0);
	struct ew_path_access a;

	(void)state;
	/* drwx------ root root: nobody falls in "other", which is ---. */
	ew_path_access_check(&nobody, S_IFDIR | 0700, 0, 0, NULL, 0, EW_PATH_X, &a);
	assert_false(a.allowed);
	assert_int_equal(a.tag, EW_ACL_OTHER);
	assert_int_equal(a.perm, 0);
	/* The group class, through a supplementary group. */
	ew_path_access_check(&bob, S_IFREG | 0640, 0, 50, NULL, 0, EW_PATH_R, &a);
	assert_true(a.allowed);
	assert_int_equal(a.tag, EW_ACL_GROUP_OBJ);
	/* The owner class decides alone, even when "other" would allow more. */
	ew_path_access_check(&bob, S_IFREG | 0077, 1000, 0, NULL, 0, EW_PATH_R, &a);
	assert_false(a.allowed);
	assert_int_equal(a.tag, EW_ACL_USER_OBJ);
	/* Root reads anything, but executes only what has an x bit; directories it searches. */
	ew_path_access_check(&root, S_IFREG | 0000, 1000, 1000, NULL, 0, EW_PATH_R | EW_PATH_W, &a);
	assert_true(a.allowed);
	assert_true(a.by_capability);
	ew_path_access_check(&root, S_IFREG | 0644, 1000, 1000, NULL, 0, EW_PATH_X, &a);
	assert_false(a.allowed);
	ew_path_access_check(&root, S_IFREG | 0010, 1000, 1000, NULL, 0, EW_PATH_X, &a);
	assert_true(a.allowed);
	ew_path_access_check(&root, S_IFDIR | 0000, 1000, 1000, NULL, 0, EW_PATH_X, &a);
	assert_true(a.allowed);
}

static void test_access_acl(void **state)
{
	gid_t groups[] = {60, 70};
	struct ew_path_user bob = user(1000, 1000, groups, 2);
	struct ew_path_acl_entry acl[] = {
		{EW_ACL_USER_OBJ, 0, 6}, {EW_ACL_USER, 1000, 6}, {EW_ACL_GROUP_OBJ, 0, 4},
		{EW_ACL_GROUP, 60, 0}, {EW_ACL_GROUP, 70, 4}, {EW_ACL_MASK, 0, 4},
		{EW_ACL_OTHER, 0, 0}};
	struct ew_path_access a;

	(void)state;
	/* The named user entry, cut by the mask: rw- becomes r--. */
	ew_path_access_check(&bob, S_IFREG | 0640, 0, 0, acl, 7, EW_PATH_W, &a);
	assert_false(a.allowed);
	assert_int_equal(a.tag, EW_ACL_USER);
	assert_int_equal(a.perm, 6);
	assert_int_equal(a.effective, 4);
	assert_true(a.masked);
	ew_path_access_check(&bob, S_IFREG | 0640, 0, 0, acl, 7, EW_PATH_R, &a);
	assert_true(a.allowed);
	/* Without the user entry: of the groups bob is in, one that grants decides. */
	acl[1].id = 2000;
	ew_path_access_check(&bob, S_IFREG | 0640, 0, 0, acl, 7, EW_PATH_R, &a);
	assert_true(a.allowed);
	assert_int_equal(a.tag, EW_ACL_GROUP);
	assert_int_equal(a.id, 70);
	/* None grants write: denied, though "other" is not asked. */
	ew_path_access_check(&bob, S_IFREG | 0640, 0, 0, acl, 7, EW_PATH_W, &a);
	assert_false(a.allowed);
	assert_int_not_equal(a.tag, EW_ACL_OTHER);
}

static struct ew_path_report *judge(const char *path, enum ew_path_op op)
{
	struct ew_path_query q = {.path = path, .op = op};
	struct ew_path_report *r = NULL;

	assert_int_equal(ew_path_report_build(&r, &q), 0);
	assert_non_null(r);
	assert_non_null(r->reason);
	assert_non_null(r->confirmation);
	return r;
}

static void test_reports(void **state)
{
	struct ew_path_report *r;
	char name[300];

	(void)state;
	close(open(in_base("file"), O_CREAT | O_WRONLY, 0644));
	r = judge(in_base("defualt/x"), EW_PATH_READ);
	assert_int_equal(r->verdict, ENOENT);
	assert_string_equal(r->component, in_base("defualt"));
	assert_non_null(strstr(r->reason, "did you mean \"default\""));
	assert_true(r->confirmed);
	ew_path_report_free(r);

	r = judge(in_base("file/x"), EW_PATH_READ);
	assert_int_equal(r->verdict, ENOTDIR);
	assert_string_equal(r->component, in_base("file"));
	assert_true(r->confirmed);
	ew_path_report_free(r);

	assert_int_equal(symlink("loop2", in_base("loop1")), 0);
	assert_int_equal(symlink("loop1", in_base("loop2")), 0);
	r = judge(in_base("loop1"), EW_PATH_READ);
	assert_int_equal(r->verdict, ELOOP);
	assert_true(r->confirmed);
	ew_path_report_free(r);
	/* delete acts on the link itself: no loop. */
	r = judge(in_base("loop1"), EW_PATH_DELETE);
	assert_int_not_equal(r->verdict, ELOOP);
	ew_path_report_free(r);

	memset(name, 'n', 256);
	name[256] = '\0';
	r = judge(in_base(name), EW_PATH_READ);
	assert_int_equal(r->verdict, ENAMETOOLONG);
	ew_path_report_free(r);

	r = judge(in_base("file"), EW_PATH_CREATE);
	assert_int_equal(r->verdict, EEXIST);
	ew_path_report_free(r);
	r = judge(in_base("new"), EW_PATH_CREATE);
	assert_int_equal(r->verdict, 0);
	assert_null(r->component);
	assert_int_equal(access(in_base("new"), F_OK), -1); /* nothing was created */
	ew_path_report_free(r);
	/* Writing a missing file creates it, as > does: judged, never done. */
	r = judge(in_base("new"), EW_PATH_WRITE);
	assert_int_equal(r->verdict, 0);
	assert_int_equal(access(in_base("new"), F_OK), -1);
	ew_path_report_free(r);
	r = judge(base, EW_PATH_WRITE);
	assert_int_equal(r->verdict, EISDIR);
	ew_path_report_free(r);
	r = judge(in_base("file"), EW_PATH_READ);
	assert_int_equal(r->verdict, 0);
	assert_string_equal(ew_path_verdict_key(r), "ok");
	assert_true(r->n_components >= 2);
	ew_path_report_free(r);
}

/* A name holding a newline and an escape code reaches the output escaped, never raw. */
static void test_escaped_names(void **state)
{
	struct ew_path_report *r;
	struct ew_buf b;
	json_t *j;
	json_error_t err;

	(void)state;
	assert_int_equal(mkdir(in_base("evil\n\033[31mred"), 0755), 0);
	r = judge(in_base("evil\n\033[31mred/missing"), EW_PATH_READ);
	assert_int_equal(r->verdict, ENOENT);
	ew_buf_init(&b);
	assert_int_equal(ew_render_path_text(&b, r, NULL), 0);
	assert_null(strchr(b.data, '\033'));
	assert_non_null(strstr(b.data, "evil\\n"));
	ew_buf_free(&b);
	ew_buf_init(&b);
	assert_int_equal(ew_render_path_json(&b, r, false), 0);
	assert_null(strchr(b.data, '\033'));
	j = json_loads(b.data, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "verdict")), "ENOENT");
	assert_string_equal(json_string_value(json_object_get(j, "operation")), "read");
	assert_true(json_is_array(json_object_get(j, "components")));
	json_decref(j);
	ew_buf_free(&b);
	ew_path_report_free(r);
}

static void test_arguments(void **state)
{
	struct ew_path_report *r = NULL;
	struct ew_path_query q = {.path = "/", .op = EW_PATH_RENAME};

	(void)state;
	assert_int_equal(ew_path_report_build(&r, &q), -EINVAL); /* rename without a new name */
	q = (struct ew_path_query){.path = ""};
	assert_int_equal(ew_path_report_build(&r, &q), -EINVAL);
	q = (struct ew_path_query){.path = "/", .user = "no-such-user-ew"};
	assert_int_equal(ew_path_report_build(&r, &q), -ESRCH);
	assert_int_equal(ew_path_op_parse("exec"), EW_PATH_EXEC);
	assert_int_equal(ew_path_op_parse("bogus"), -1);
	assert_string_equal(ew_path_op_key(EW_PATH_SEARCH), "search");
	assert_int_equal(ew_render_path_text(NULL, NULL, NULL), -EINVAL);
	ew_path_report_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_strings),
		cmocka_unit_test(test_near_names),
		cmocka_unit_test(test_access_classes),
		cmocka_unit_test(test_access_acl),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_escaped_names),
		cmocka_unit_test(test_arguments),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
