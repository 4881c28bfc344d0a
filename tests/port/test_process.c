/* test_process.c: lib/diagnose/process.c: who answers for a process, from its cgroup path,
 * and what /proc says about one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "diagnose/diagnose.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct cgroup_case {
	const char *path, *unit;
	bool user_unit;
	const char *runtime, *id;
};

static void test_cgroup_paths(void **state)
{
	static const struct cgroup_case cases[] = {
		{"/system.slice/nginx.service", "nginx.service", false, NULL, NULL},
		{"/user.slice/user-1000.slice/user@1000.service/app.slice/vite.service",
		 "vite.service", true, NULL, NULL},
		{"/user.slice/user-1000.slice/session-3.scope", NULL, false, NULL, NULL},
		{"/user.slice/user-1000.slice/user@1000.service/init.scope", "init.scope", true,
		 NULL, NULL},
		{"/system.slice/docker-" ID64 ".scope", NULL, false, "docker", ID64},
		{"/docker/" ID64, NULL, false, "docker", ID64},
		{"/machine.slice/libpod-" ID64 ".scope/container", NULL, false, "podman", ID64},
		{"/kubepods.slice/kubepods-besteffort.slice/cri-containerd-" ID64 ".scope", NULL,
		 false, "containerd", ID64},
		{"/kubepods/besteffort/pod12345678-aaaa/" ID64, NULL, false, "kubernetes", ID64},
		{"/", NULL, false, NULL, NULL},
		{"", NULL, false, NULL, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *unit, *runtime, *id;
		bool user_unit;
		const struct cgroup_case *c = &cases[i];

		assert_int_equal(ew_cgroup_parse(c->path, &unit, &user_unit, &runtime, &id), 0);
		if (c->unit)
			assert_string_equal(unit, c->unit);
		else
			assert_null(unit);
		assert_int_equal(user_unit, c->user_unit);
		if (c->runtime) {
			assert_string_equal(runtime, c->runtime);
			assert_string_equal(id, c->id);
		} else {
			assert_null(runtime);
			assert_null(id);
		}
		free(unit);
		free(runtime);
		free(id);
	}
}

static void test_read_self(void **state)
{
	struct ew_port_holder h;
	char comm[32] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	(void)state;
	/* Not "test_process" under valgrind, whose launcher names the process. */
	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	assert_int_equal(ew_proc_read(getpid(), &h), 0);
	assert_int_equal(h.pid, getpid());
	assert_int_equal(h.ppid, getppid());
	assert_int_equal(h.uid, geteuid());
	assert_string_equal(h.comm, comm);
	assert_true(h.argc >= 1);
	assert_null(h.argv[h.argc]);
	assert_true(h.started > 0 && h.started <= time(NULL) + 1);
	ew_proc_clear(&h);
	assert_int_equal(ew_proc_ppid(getpid()), getppid());
}

static void test_read_gone(void **state)
{
	struct ew_port_holder h;

	(void)state;
	/* Above any pid_max the kernel allows. */
	assert_int_equal(ew_proc_read(1 << 23, &h), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_paths),
		cmocka_unit_test(test_read_self),
		cmocka_unit_test(test_read_gone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
