/* test_scan.c: lib/diagnose/scan.c and cgroup_id.c on real processes: a holder whose fd links
 * are refused counts as unreadable, a thread's own fd table is read, the cgroup hint. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "diagnose/diagnose.h"
#include "holder.h"

#define NOBODY 65534

static pid_t child = -1;
static char cgroup_dir[128];

/* Ends the child this file started, by pid, and removes its cgroup. */
static int teardown(void **state)
{
	(void)state;
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
	if (cgroup_dir[0]) {
		rmdir(cgroup_dir);
		cgroup_dir[0] = '\0';
	}
	return 0;
}

/* cmocka's skip() says no reason: say it first. */
static void skip_because(const char *why)
{
	print_message("# skipped: %s\n", why);
	skip();
}

static bool become_nobody(void)
{
	return setgroups(0, NULL) == 0 && setgid(NOBODY) == 0 && setuid(NOBODY) == 0;
}

/* uid nobody, but keeping CAP_NET_BIND_SERVICE (as setpriv --ambient-caps would): its
 * /proc/PID/fd opens for another nobody, its links do not (the ptrace access check wants the
 * reader to have every capability the process has). Dumpable again after the uid change,
 * or /proc/PID would be root's and the directory itself refused. */
static bool become_nobody_with_cap(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {{0}};

	data[0].effective = data[0].permitted = 1u << CAP_NET_BIND_SERVICE;
	return prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) == 0 && become_nobody() &&
	       syscall(SYS_capset, &hdr, data) == 0 &&
	       prctl(PR_SET_DUMPABLE, 1L, 0L, 0L, 0L) == 0;
}

/* Pid 1 of a new pid namespace, with its own /proc: a holder (nobody with a capability) and
 * a scanner (plain nobody), so the scan sees exactly three processes and what it counts is
 * known. Writes the port to portw, takes the inode from inodew, writes the result to resw. */
static void namespace_init(int portw, int inoder, int resw)
{
	int p[2];
	pid_t holder, scanner;
	uint64_t inode = 0;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 || pipe(p) < 0)
		_exit(77);
	holder = fork();
	if (holder == 0) {
		int fd;
		uint16_t port;
		if (!become_nobody_with_cap() || (fd = holder_bind(0)) < 0)
			_exit(1);
		port = holder_port_of(fd);
		if (write(portw, &port, sizeof(port)) != sizeof(port))
			_exit(1);
		for (;;)
			pause();
	}
	scanner = fork();
	if (scanner == 0) {
		struct ew_scan_target t = {0};
		struct ew_scan_result res;
		int out[3] = {-1, -1, -1};
		char go;
		/* pid 1 drops to nobody after forking us: until it has, it is root's and would
		 * count as unreadable, so wait for its word (a busy machine may run us first). */
		close(p[1]);
		if (!become_nobody() || geteuid() != NOBODY ||
		    prctl(PR_SET_DUMPABLE, 1L, 0L, 0L, 0L) < 0 || read(p[0], &go, 1) != 1 ||
		    read(inoder, &inode, sizeof(inode)) != sizeof(inode))
			_exit(1);
		t.inode = inode;
		t.uid = NOBODY;
		if (ew_scan_holders(&t, 1, false, &res) == 0) {
			out[0] = (int)res.unreadable;
			out[1] = (int)res.n_hits;
			out[2] = res.complete;
			ew_scan_result_free(&res);
		}
		_exit(write(resw, out, sizeof(out)) == sizeof(out) ? 0 : 1);
	}
	/* This process must not count as unreadable either. */
	if (holder < 0 || scanner < 0 || !become_nobody() ||
	    prctl(PR_SET_DUMPABLE, 1L, 0L, 0L, 0L) < 0 || write(p[1], "g", 1) != 1)
		_exit(1);
	waitpid(scanner, NULL, 0);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	_exit(0);
}

static void test_denied_links_count_as_unreadable(void **state)
{
	int portp[2], inodep[2], resp[2], out[3] = {0}, status = 0;
	uint16_t port = 0;
	uint64_t inode;

	(void)state;
	if (geteuid() != 0)
		skip_because("needs root: holder and scanner run as nobody in their own pid namespace");
	assert_int_equal(pipe(portp), 0);
	assert_int_equal(pipe(inodep), 0);
	assert_int_equal(pipe(resp), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pid_t init;
		alarm(60);
		if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
			_exit(77);
		init = fork();
		if (init == 0)
			namespace_init(portp[1], inodep[0], resp[1]);
		if (init < 0 || waitpid(init, &status, 0) < 0)
			_exit(1);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	close(portp[1]);
	close(inodep[0]);
	close(resp[1]);
	if (read(portp[0], &port, sizeof(port)) != sizeof(port)) {
		waitpid(child, &status, 0);
		child = -1;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
			skip_because("no new pid namespace or /proc mount here");
		fail_msg("the holder did not start");
	}
	inode = holder_inode_of(port, NULL, NULL);
	assert_true(inode != 0);
	assert_int_equal(write(inodep[1], &inode, sizeof(inode)), sizeof(inode));
	assert_int_equal(read(resp[0], out, sizeof(out)), sizeof(out));
	assert_int_equal(waitpid(child, &status, 0), child);
	child = -1;
	close(portp[0]);
	close(inodep[1]);
	close(resp[0]);
	/* The holder is visible but its links are refused: no holder found, one unreadable. */
	assert_int_equal(out[1], 0);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[2], 1);
}

static int ready_pipe[2];

/* A thread with its own fd table (unshare(CLONE_FILES)) that listens: /proc/PID/fd, the main
 * thread's table, does not show the socket. */
static void *own_table_thread(void *arg)
{
	int fd;
	uint16_t port = 0;

	(void)arg;
	if (unshare(CLONE_FILES) == 0 && (fd = holder_bind(0)) >= 0)
		port = holder_port_of(fd);
	if (write(ready_pipe[1], &port, sizeof(port)) != sizeof(port))
		_exit(1);
	for (;;)
		pause();
	return NULL;
}

static void scan_for(uint64_t inode, uint64_t cgroup_id, bool all, struct ew_scan_result *res)
{
	struct ew_scan_target t = {.inode = inode, .cgroup_id = cgroup_id};

	assert_int_equal(ew_scan_holders(&t, 1, all, res), 0);
}

static void test_thread_with_own_fd_table(void **state)
{
	struct ew_scan_result res;
	uint16_t port = 0;
	uint64_t inode;

	(void)state;
	assert_int_equal(pipe(ready_pipe), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pthread_t th;
		alarm(60);
		if (pthread_create(&th, NULL, own_table_thread, NULL) != 0)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready_pipe[1]);
	assert_int_equal(read(ready_pipe[0], &port, sizeof(port)), sizeof(port));
	close(ready_pipe[0]);
	assert_true(port != 0);
	inode = holder_inode_of(port, NULL, NULL);
	assert_true(inode != 0);
	for (int all = 0; all < 2; all++) {
		scan_for(inode, 0, all, &res);
		assert_int_equal(res.n_hits, 1);
		assert_int_equal(res.hits[0].pid, child);
		assert_true(res.hits[0].inode == inode);
		ew_scan_result_free(&res);
	}
}

/* A child in a cgroup of its own, made under the v2 hierarchy; false (and skip) without. */
static bool cgroup_child(int ready_w, int go_r)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	char path[192], pid[16];
	int fd = -1;

	for (size_t i = 0; i < 2 && fd < 0; i++) {
		snprintf(cgroup_dir, sizeof(cgroup_dir), "%s/errwhy-test-%d", roots[i], (int)getpid());
		snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup_dir);
		if (mkdir(cgroup_dir, 0755) < 0)
			continue;
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			rmdir(cgroup_dir);
	}
	if (fd < 0) {
		cgroup_dir[0] = '\0';
		return false;
	}
	child = fork();
	if (child == 0) {
		char c;
		int lfd;
		uint16_t port = 0;
		alarm(60);
		/* A socket's cgroup is its creator's when made: bind once moved. */
		if (read(go_r, &c, 1) == 1 && (lfd = holder_bind(0)) >= 0)
			port = holder_port_of(lfd);
		if (write(ready_w, &port, sizeof(port)) != sizeof(port))
			_exit(1);
		for (;;)
			pause();
	}
	snprintf(pid, sizeof(pid), "%d", (int)child);
	if (child < 0 || write(fd, pid, strlen(pid)) < 0) {
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

/* The only pid ew_cgroup_pids_by_id finds for id when run as nobody, or -1. */
static pid_t walk_lookup(uint64_t id)
{
	int p[2], got = -1;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int *pids = NULL, one = -1;
		size_t n = 0;
		if (become_nobody() && ew_cgroup_pids_by_id(id, &pids, &n) == 0 && n == 1)
			one = pids[0];
		_exit(write(p[1], &one, sizeof(one)) == sizeof(one) ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &got, sizeof(got)) != sizeof(got))
		got = -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return got;
}

static void test_cgroup_hint(void **state)
{
	int ready[2], go[2], *pids = NULL;
	size_t n = 0;
	uint16_t port = 0;
	uint64_t inode, cgroup_id = 0;
	struct ew_scan_result res;
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip_because("needs root to make a cgroup");
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	if (!cgroup_child(ready[1], go[0]))
		skip_because("no writable cgroup v2 hierarchy here");
	assert_int_equal(write(go[1], "x", 1), 1);
	assert_int_equal(read(ready[0], &port, sizeof(port)), sizeof(port));
	assert_true(port != 0);
	assert_int_equal(stat(cgroup_dir, &st), 0);

	/* The cgroup by its id: exactly the child. */
	assert_int_equal(ew_cgroup_pids_by_id(st.st_ino, &pids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], child);
	free(pids);
	assert_int_equal(ew_cgroup_pids_by_id(UINT64_MAX - 1, &pids, &n), -ENOENT);
	/* And without CAP_DAC_READ_SEARCH, by the walk over the hierarchy. */
	assert_int_equal(walk_lookup(st.st_ino), child);

	/* sock_diag names the child's cgroup (where the kernel keeps socket cgroups), and the
	 * scan reads that cgroup first: the holder is the first process read. */
	inode = holder_inode_of(port, NULL, &cgroup_id);
	assert_true(inode != 0);
	if (cgroup_id == 0)
		skip_because("this kernel reports no INET_DIAG_CGROUP_ID");
	assert_true(cgroup_id == st.st_ino);
	scan_for(inode, cgroup_id, false, &res);
	assert_int_equal(res.n_hits, 1);
	assert_int_equal(res.hits[0].pid, child);
	assert_int_equal(res.n_read, 1);
	ew_scan_result_free(&res);
	for (int i = 0; i < 2; i++) {
		close(ready[i]);
		close(go[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_denied_links_count_as_unreadable, teardown),
		cmocka_unit_test_teardown(test_thread_with_own_fd_table, teardown),
		cmocka_unit_test_teardown(test_cgroup_hint, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
