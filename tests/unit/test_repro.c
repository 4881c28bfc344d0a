/* test_repro.c: the runner of built-in reproductions (lib/repro/) with bodies of the test's
 * own: each outcome, a body past its time limit killed with what it started, the state a
 * child starts in, the private directory removed whatever a body did to it, and the
 * namespaces, routes, addresses and dropped privileges a body may ask for. */
#include "repro/child.h"

#include <setjmp.h>

#include <cmocka.h>
#include <jansson.h>

/* Short: every body below that ends on time ends at once; the ones that run past it are
 * killed by it, so its length decides nothing but how long the test takes. */
#define LIMIT_MS 300
/* For bodies that must end by themselves: long enough for a busy machine under valgrind. */
#define LONG_MS 60000

static struct ew_repro_report report;

static void run(int (*fn)(struct ew_repro *r), int expected, unsigned limit_ms)
{
	assert_int_equal(ew_repro_run_fn(fn, EW_FAMILY_ERRNO, expected, limit_ms, &report), 0);
}

static int teardown(void **state)
{
	(void)state;
	ew_repro_report_free(&report);
	return 0;
}

static bool gone(const char *path)
{
	struct stat st;
	return lstat(path, &st) < 0 && errno == ENOENT;
}

static int mkdir_twice(struct ew_repro *r)
{
	if (mkdir("d", 0755) < 0)
		return ew_repro_fail(r, "mkdir(d)");
	ew_repro_step(r, "made d");
	ew_repro_call(r, "mkdir(d) again");
	return mkdir("d", 0755) == 0 ? 0 : errno;
}

static void test_reproduced(void **state)
{
	(void)state;
	run(mkdir_twice, EEXIST, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_REPRODUCED);
	assert_int_equal(report.got, EEXIST);
	assert_int_equal(report.n_steps, 1);
	assert_string_equal(report.steps[0], "made d");
	assert_string_equal(report.call, "mkdir(d) again");
	assert_null(report.reason);
	assert_int_equal(report.cleanup_error, 0);
	assert_true(gone(report.dir));
}

static void test_mismatch(void **state)
{
	(void)state;
	run(mkdir_twice, ENOENT, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_MISMATCH);
	assert_int_equal(report.got, EEXIST);
	assert_non_null(strstr(report.reason, "got EEXIST"));
	assert_non_null(strstr(report.reason, "expected ENOENT"));
}

static int succeeds(struct ew_repro *r)
{
	ew_repro_call(r, "getpid()");
	return getpid() > 0 ? 0 : errno;
}

static void test_success_is_mismatch(void **state)
{
	(void)state;
	run(succeeds, EPERM, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_MISMATCH);
	assert_int_equal(report.got, 0);
	assert_non_null(strstr(report.reason, "the call succeeded"));
}

static int skips(struct ew_repro *r)
{
	return ew_repro_skip(r, "no %s here", "widget");
}

static int fails(struct ew_repro *r)
{
	errno = EMFILE;
	return ew_repro_fail(r, "opening %d files", 3);
}

static int returns_nonsense(struct ew_repro *r)
{
	(void)r;
	return -7;
}

static void test_skip_and_fail(void **state)
{
	(void)state;
	run(skips, EPERM, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_SKIPPED);
	assert_string_equal(report.reason, "no widget here");
	assert_int_equal(report.got, EW_REPRO_NO_VALUE);
	ew_repro_report_free(&report);
	run(fails, EPERM, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_FAILED);
	assert_string_equal(report.reason, "opening 3 files: Too many open files (EMFILE)");
	ew_repro_report_free(&report);
	run(returns_nonsense, EPERM, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_FAILED);
	assert_non_null(strstr(report.reason, "-7"));
}

static _Noreturn int waits_forever(struct ew_repro *r)
{
	ew_repro_call(r, "pause()");
	for (;;)
		pause();
}

/* A grandchild that keeps the result pipe open and outlives the body's end. */
static int leaves_a_child(struct ew_repro *r)
{
	pid_t pid = fork();

	if (pid < 0)
		return ew_repro_fail(r, "fork()");
	if (pid == 0)
		for (;;)
			pause();
	ew_repro_call(r, "mkdir(.)");
	return mkdir(".", 0755) == 0 ? 0 : errno;
}

/* A grandchild that holds the pipe while the body hangs too. */
static int hangs_with_a_child(struct ew_repro *r)
{
	if (fork() < 0)
		return ew_repro_fail(r, "fork()");
	for (;;)
		pause();
	return 0;
}

static int crashes(struct ew_repro *r)
{
	(void)r;
	raise(SIGSEGV);
	return 0;
}

static int exits(struct ew_repro *r)
{
	(void)r;
	_exit(3);
}

/* Whatever a body started was killed: as this test is a subreaper, the orphans come back to
 * it, and waiting for all of them ends (a survivor would hang the test, a failure) with each
 * one killed by SIGKILL. How many there are is not asked: a body cut off by its time limit
 * may not have started its child yet on a slow machine. Returns how many. */
static int reap_orphans(void)
{
	int status, n = 0;

	while (waitpid(-1, &status, 0) > 0) {
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		n++;
	}
	assert_int_equal(errno, ECHILD);
	return n;
}

static void test_time_limit_and_crashes(void **state)
{
	(void)state;
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	run(waits_forever, EPERM, LIMIT_MS);
	assert_int_equal(report.result, EW_REPRO_FAILED);
	assert_string_equal(report.reason, "timed out after 300 ms");
	assert_true(gone(report.dir));
	ew_repro_report_free(&report);

	run(leaves_a_child, EINVAL, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_MISMATCH); /* mkdir(".") is EEXIST */
	assert_int_equal(reap_orphans(), 1); /* forked before the body returned */
	ew_repro_report_free(&report);

	run(hangs_with_a_child, EPERM, LIMIT_MS);
	assert_int_equal(report.result, EW_REPRO_FAILED);
	assert_non_null(strstr(report.reason, "timed out"));
	reap_orphans();
	ew_repro_report_free(&report);

	run(crashes, EPERM, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_FAILED);
	assert_string_equal(report.reason, "killed by SIGSEGV (Segmentation fault)");
	ew_repro_report_free(&report);

	run(exits, EPERM, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_FAILED);
	assert_non_null(strstr(report.reason, "exited with status 3"));
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

static int caller_fd = -1;

/* EDOM when the child starts as the runner promises, else a step says what is wrong. */
static int checks_its_state(struct ew_repro *r)
{
	char cwd[PATH_MAX], null_path[64];
	struct sigaction sa;
	sigset_t mask;
	struct stat st, null_st;

	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, ew_repro_dir(r)) != 0)
		return ew_repro_fail(r, "cwd is %s, not %s", cwd, ew_repro_dir(r));
	if (stat(".", &st) < 0 || (st.st_mode & 07777) != 0755)
		return ew_repro_fail(r, "mode of the private directory %o", st.st_mode & 07777);
	if (fcntl(caller_fd, F_GETFD) >= 0 || errno != EBADF)
		return ew_repro_fail(r, "the caller's fd %d is open", caller_fd);
	snprintf(null_path, sizeof(null_path), "/proc/self/fd/%d", STDIN_FILENO);
	if (stat(null_path, &st) < 0 || stat("/dev/null", &null_st) < 0 ||
	    st.st_rdev != null_st.st_rdev)
		return ew_repro_fail(r, "stdin is not /dev/null");
	if (sigaction(SIGPIPE, NULL, &sa) < 0 || sa.sa_handler != SIG_IGN)
		return ew_repro_fail(r, "SIGPIPE is not ignored");
	if (sigaction(SIGUSR1, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
		return ew_repro_fail(r, "SIGUSR1 has a handler");
	if (sigprocmask(SIG_SETMASK, NULL, &mask) < 0 || sigismember(&mask, SIGUSR2))
		return ew_repro_fail(r, "SIGUSR2 is blocked");
	if (getpgrp() != getpid())
		return ew_repro_fail(r, "not a process group leader");
	ew_repro_call(r, "sqrt(-1)");
	return EDOM;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void test_child_state(void **state)
{
	sigset_t block, old;
	int fd = open("/dev/zero", O_RDONLY);

	(void)state;
	caller_fd = fcntl(fd, F_DUPFD, 10); /* past the child's pipe, whatever is open */
	close(fd);
	assert_true(caller_fd >= 10);
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);
	run(checks_its_state, EDOM, LONG_MS);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(caller_fd);
	if (report.result != EW_REPRO_REPRODUCED)
		fail_msg("%s", report.reason);
}

static char outside[PATH_MAX];

/* Leaves its directory as hard to remove as it can: a tree without permissions, links out. */
static int messes_up(struct ew_repro *r)
{
	char link_to[PATH_MAX + 8];

	snprintf(link_to, sizeof(link_to), "%s/file", outside);
	if (mkdir("a", 0755) < 0 || mkdir("a/b", 0755) < 0 || mkdir("a/b/c", 0755) < 0 ||
	    creat("a/b/c/f", 0644) < 0 || symlink(link_to, "a/b/file-out") < 0 ||
	    symlink(outside, "a/dir-out") < 0 || link(link_to, "a/hard") < 0 ||
	    chmod("a/b/c", 0) < 0 || chmod("a/b", 0) < 0 || chmod("a", 0500) < 0 ||
	    chmod(".", 0500) < 0)
		return ew_repro_fail(r, "making the tree");
	ew_repro_call(r, "mkdir(a)");
	return mkdir("a", 0755) == 0 ? 0 : errno;
}

static void test_dir_removed(void **state)
{
	char file[PATH_MAX + 8], tmpdir[] = "/tmp/test-repro.XXXXXX";
	const char *old = getenv("TMPDIR");
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	snprintf(outside, sizeof(outside), "%s/outside", tmpdir);
	assert_int_equal(mkdir(outside, 0700), 0);
	snprintf(file, sizeof(file), "%s/file", outside);
	assert_true((fd = open(file, O_CREAT | O_WRONLY, 0600)) >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);

	setenv("TMPDIR", tmpdir, 1);
	run(messes_up, EEXIST, LONG_MS);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	assert_int_equal(report.result, EW_REPRO_REPRODUCED);
	assert_memory_equal(report.dir, tmpdir, strlen(tmpdir));
	assert_int_equal(report.cleanup_error, 0);
	assert_true(gone(report.dir));
	/* What the links pointed to is untouched. */
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(outside, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(outside), 0);
	assert_int_equal(rmdir(tmpdir), 0);
}

static int route_unreachable(struct ew_repro *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd, rc;

	if ((rc = ew_repro_netns(r)) != 0)
		return rc;
	if ((rc = ew_repro_route(r, RTN_UNREACHABLE, "198.51.100.0", 24)) != 0)
		return rc;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return ew_repro_fail(r, "socket()");
	inet_pton(AF_INET, "198.51.100.1", &a.sin_addr);
	ew_repro_call(r, "connect(198.51.100.1:9)");
	return connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : errno;
}

static int route_via_lo(struct ew_repro *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd, rc;

	if ((rc = ew_repro_netns(r)) != 0)
		return rc;
	if ((rc = ew_repro_route(r, RTN_UNICAST, "203.0.113.0", 24)) != 0)
		return rc;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return ew_repro_fail(r, "socket()");
	inet_pton(AF_INET, "203.0.113.1", &a.sin_addr);
	ew_repro_call(r, "connect(203.0.113.1:9)");
	return connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : errno;
}

static int address_on_lo(struct ew_repro *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int fd, rc;

	if ((rc = ew_repro_netns(r)) != 0)
		return rc;
	/* /32: on lo the kernel makes every address of the prefix local. */
	if ((rc = ew_repro_address(r, "192.0.2.1", 32)) != 0)
		return rc;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return ew_repro_fail(r, "socket()");
	inet_pton(AF_INET, "192.0.2.1", &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return ew_repro_fail(r, "bind(192.0.2.1)");
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "192.0.2.2", &a.sin_addr);
	ew_repro_call(r, "bind(192.0.2.2)");
	return bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : errno;
}

static int route_outside_netns(struct ew_repro *r)
{
	int rc = ew_repro_route(r, RTN_BLACKHOLE, "198.51.100.0", 24);
	return rc ? rc : 0;
}

/* A namespace body's outcome, or a skip where this machine has no namespaces for us. */
static void run_ns(int (*fn)(struct ew_repro *r), int expected)
{
	run(fn, expected, LONG_MS);
	if (report.result == EW_REPRO_SKIPPED && geteuid() != 0) {
		ew_repro_report_free(&report);
		skip();
	}
	if (report.result != EW_REPRO_REPRODUCED)
		fail_msg("%s: %s", ew_repro_result_key(report.result), report.reason);
}

static void test_netns_route_address(void **state)
{
	(void)state;
	run_ns(route_unreachable, EHOSTUNREACH);
	ew_repro_report_free(&report);
	run_ns(route_via_lo, 0); /* UDP connect through a route on lo: it succeeds */
	ew_repro_report_free(&report);
	run_ns(address_on_lo, EADDRNOTAVAIL);
	ew_repro_report_free(&report);
	/* Never the machine's own routing table. */
	run(route_outside_netns, 0, LONG_MS);
	assert_int_equal(report.result, EW_REPRO_FAILED);
	assert_non_null(strstr(report.reason, "before ew_repro_netns()"));
}

static int tiny_tmpfs(struct ew_repro *r)
{
	static char block[1 << 16];
	int fd, rc;
	ssize_t w;

	if ((rc = ew_repro_mountns(r)) != 0)
		return rc;
	if (mkdir("m", 0755) < 0 || mount("tmpfs", "m", "tmpfs", 0, "size=4k") < 0)
		return ew_repro_fail(r, "mounting a 4 KiB tmpfs on m");
	if ((fd = open("m/f", O_CREAT | O_WRONLY, 0644)) < 0)
		return ew_repro_fail(r, "open(m/f)");
	ew_repro_call(r, "write(m/f, 64 KiB)");
	w = write(fd, block, sizeof(block));
	if (w > 0) /* it may take what fits first */
		w = write(fd, block, sizeof(block));
	return w >= 0 ? 0 : errno;
}

static bool mounted_under(const char *dir)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	bool found = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, dir) != NULL;
	fclose(f);
	return found;
}

static void test_mountns(void **state)
{
	(void)state;
	run_ns(tiny_tmpfs, ENOSPC);
	assert_false(mounted_under(report.dir));
	assert_true(gone(report.dir));
}

static int reads_roots_file(struct ew_repro *r)
{
	int rc;

	if (creat("secret", 0600) < 0)
		return ew_repro_fail(r, "creat(secret)");
	if ((rc = ew_repro_unprivileged(r)) != 0)
		return rc;
	if (ew_repro_root(r))
		return ew_repro_fail(r, "still root");
	if (geteuid() == 0 || creat("mine", 0644) < 0)
		return ew_repro_fail(r, "cannot write the private directory as nobody");
	ew_repro_call(r, "open(secret)");
	return open("secret", O_RDONLY) >= 0 ? 0 : errno;
}

static void test_unprivileged_as_root(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	run(reads_roots_file, EACCES, LONG_MS);
	if (report.result != EW_REPRO_REPRODUCED)
		fail_msg("%s", report.reason);
	assert_true(gone(report.dir));
}

/* Inside a user namespace of its own, an unprivileged body would have CAP_DAC_OVERRIDE on
 * its own files; ew_repro_unprivileged() takes that away. */
static int userns_then_unprivileged(struct ew_repro *r)
{
	int rc;

	if ((rc = ew_repro_netns(r)) != 0)
		return rc;
	if (creat("closed", 0) < 0)
		return ew_repro_fail(r, "creat(closed)");
	if ((rc = ew_repro_unprivileged(r)) != 0)
		return rc;
	ew_repro_call(r, "open(closed)");
	return open("closed", O_RDONLY) >= 0 ? 0 : errno;
}

/* The same bodies as an ordinary user: a forked test process that drops to nobody first.
 * Its exit status is the result, 77 for a skip. */
static void test_as_nobody(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip(); /* then the other tests ran as an ordinary user already */
	if ((pid = fork()) == 0) {
		int res = 0;
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(90);
		setenv("TMPDIR", "/tmp", 1);
		if (ew_repro_run_fn(route_unreachable, EW_FAMILY_ERRNO, EHOSTUNREACH, LONG_MS,
				    &report) < 0)
			_exit(91);
		if (report.result == EW_REPRO_SKIPPED) {
			print_message("# skipped as nobody: %s\n", report.reason);
			_exit(77);
		}
		res |= report.result != EW_REPRO_REPRODUCED ? 1 : 0;
		res |= !gone(report.dir) ? 2 : 0;
		ew_repro_report_free(&report);
		if (ew_repro_run_fn(userns_then_unprivileged, EW_FAMILY_ERRNO, EACCES, LONG_MS,
				    &report) < 0)
			_exit(92);
		res |= report.result != EW_REPRO_REPRODUCED ? 4 : 0;
		ew_repro_report_free(&report);
		_exit(res);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_render(void **state)
{
	struct ew_buf b;
	json_t *j;
	json_error_t err;

	(void)state;
	run(mkdir_twice, EEXIST, LONG_MS);
	ew_buf_init(&b);
	assert_int_equal(ew_render_repro_text(&b, &report), 0);
	assert_non_null(strstr(b.data, "call: mkdir(d) again\n"));
	assert_non_null(strstr(b.data, "got:  EEXIST (File exists)\n"));
	assert_non_null(strstr(b.data, "\nreproduced: "));
	ew_buf_free(&b);
	assert_int_equal(ew_render_repro_json(&b, &report, 1, false), 0);
	j = json_loads(b.data, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "got")),
			    "EEXIST");
	assert_true(json_is_null(json_object_get(json_array_get(j, 0), "reason")));
	assert_int_equal(json_object_size(json_array_get(j, 0)), 5);
	json_decref(j);
	ew_buf_free(&b);
	assert_int_equal(ew_render_repro_summary(&b, &report, 1), 0);
	assert_string_equal(b.data, "1 reproduced, 0 mismatch, 0 skipped, 0 failed "
				    "(1 distinct names)\n");
	ew_buf_free(&b);
	assert_string_equal(ew_repro_result_key(EW_REPRO_SKIPPED), "skipped");
	assert_string_equal(ew_repro_result_key((enum ew_repro_result)42), "?");
	assert_int_equal(ew_repro_run(NULL, &report), -EINVAL);
	assert_false(ew_repro_available(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_reproduced, teardown),
		cmocka_unit_test_teardown(test_mismatch, teardown),
		cmocka_unit_test_teardown(test_success_is_mismatch, teardown),
		cmocka_unit_test_teardown(test_skip_and_fail, teardown),
		cmocka_unit_test_teardown(test_time_limit_and_crashes, teardown),
		cmocka_unit_test_teardown(test_child_state, teardown),
		cmocka_unit_test_teardown(test_dir_removed, teardown),
		cmocka_unit_test_teardown(test_netns_route_address, teardown),
		cmocka_unit_test_teardown(test_mountns, teardown),
		cmocka_unit_test_teardown(test_unprivileged_as_root, teardown),
		cmocka_unit_test_teardown(test_as_nobody, teardown),
		cmocka_unit_test_teardown(test_render, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
