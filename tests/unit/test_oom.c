/* test_oom.c: OOM diagnosis on fixture trees (a cgroup v2 and a v1 hierarchy, a /proc, a
 * kernel log as a regular file) in a temporary directory: the cgroup each kind of query
 * names, the counters and limits read, the kills parsed, and the verdicts said. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "errwhy.h"

#define DOCKER_ID "3f4e9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7"
#define USER_UNIT "/user.slice/user-1000.slice/user@1000.service/app.slice/bar.service"

static char base[64];

/* Writes text to base/rel, making the directories on the way. */
static void put(const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	for (char *s = strchr(path + strlen(base) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static uint64_t boot_usec_ago(unsigned seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000 -
	       (uint64_t)seconds * 1000000;
}

/* The kernel's two lines for one kill, as /dev/kmsg gives them, with a dictionary line. */
static void kill_record(FILE *f, uint64_t usec, int pid, const char *comm, const char *memcg)
{
	fprintf(f, "4,%d,%" PRIu64 ",-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
		   "cpuset=/,mems_allowed=0,oom_memcg=%s,task_memcg=%s,task=%s,pid=%d,uid=1000\n",
		pid, usec, memcg, memcg, comm, pid);
	fprintf(f, " SUBSYSTEM=memory\n");
	fprintf(f, "3,%d,%" PRIu64 ",-;Memory cgroup out of memory: Killed process %d (%s) "
		   "total-vm:4194304kB, anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB, UID:1000 "
		   "pgtables:1200kB oom_score_adj:0\n",
		pid + 1, usec + 5, pid, comm);
}

static void write_kmsg(const char *rel, int extra_kills)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "6,1,100,-;Linux version 6.1.0\n");
	for (int i = 0; i < extra_kills; i++)
		kill_record(f, boot_usec_ago(3600) + (uint64_t)i, 100 + i, "old", "/system.slice");
	fprintf(f, "4,9,%" PRIu64 ",-;Out of memory: Killed process 777 (cc1) total-vm:100kB, "
		   "anon-rss:50kB, file-rss:0kB\n", boot_usec_ago(600));
	kill_record(f, boot_usec_ago(180), 1234, "java", "/system.slice/foo.service");
	fclose(f);
}

static void v2_tree(void)
{
	put("cg/cgroup.controllers", "cpuset cpu io memory pids\n");
	put("cg/system.slice/memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n");
	put("cg/system.slice/memory.max", "1073741824\n");
	put("cg/system.slice/foo.service/memory.events",
	    "low 0\nhigh 4\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n");
	put("cg/system.slice/foo.service/memory.max", "536870912\n");
	put("cg/system.slice/foo.service/memory.high", "max\n");
	put("cg/system.slice/foo.service/memory.swap.max", "0\n");
	put("cg/system.slice/foo.service/memory.current", "1048576\n");
	put("cg/system.slice/foo.service/memory.peak", "536870912\n");
	put("cg/system.slice/docker-" DOCKER_ID ".scope/memory.events", "oom 0\noom_kill 0\n");
	put("cg" USER_UNIT "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
	put("proc/1234/cgroup", "0::/system.slice/foo.service\n");
	put("proc/self/cgroup", "0::" USER_UNIT "\n");
	put("proc/sys/kernel/dmesg_restrict", "1\n");
	write_kmsg("kmsg", 0);
}

static int remove_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/test_oom.XXXXXX");
	if (!mkdtemp(base))
		return -1;
	v2_tree();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A query on the fixture: roots filled in, the rest from the caller. */
static struct ew_oom_report *build(struct ew_oom_query q, const char *kmsg)
{
	static char proc[128], cg[128], km[128];
	struct ew_oom_report *r = NULL;

	snprintf(proc, sizeof(proc), "%s/proc", base);
	snprintf(cg, sizeof(cg), "%s/cg", base);
	snprintf(km, sizeof(km), "%s/%s", base, kmsg);
	q.proc_root = proc;
	q.cgroup_root = cg;
	q.kmsg_path = km;
	assert_int_equal(ew_oom_report_build(&r, &q), 0);
	assert_non_null(r);
	return r;
}

static char *verdict(const struct ew_oom_report *r)
{
	struct ew_buf b;

	ew_buf_init(&b);
	assert_int_equal(ew_render_oom_verdict(&b, r), 0);
	return b.data;
}

static void test_unit_kill_verdict(void **state)
{
	struct ew_oom_report *r = build((struct ew_oom_query){.unit = "foo.service"}, "kmsg");
	char *v = verdict(r);

	(void)state;
	assert_string_equal(r->cgroup, "/system.slice/foo.service");
	assert_string_equal(v, "the OOM killer killed java (pid 1234) 3 minutes ago in "
			       "/system.slice/foo.service (memory.max 512M)");
	assert_int_equal(r->n_kills, 2);
	assert_int_equal(r->kills[1].anon_rss_kb, 524288);
	assert_int_equal(r->kills[1].uid, 1000);
	assert_true(r->kills[1].memcg_oom);
	assert_string_equal(r->kills[1].constraint, "CONSTRAINT_MEMCG");
	/* The global kill has no oom-kill: line: no memcg, and it names no cgroup. */
	assert_string_equal(r->kills[0].comm, "cc1");
	assert_null(r->kills[0].memcg);
	assert_false(r->kills[0].memcg_oom);
	free(v);
	ew_oom_report_free(r);
}

static void test_pid_counters_and_limits(void **state)
{
	struct ew_oom_report *r = build((struct ew_oom_query){.pid = 1234}, "kmsg");

	(void)state;
	assert_int_equal(r->cgroup_version, 2);
	assert_string_equal(r->cgroup, "/system.slice/foo.service");
	assert_int_equal(r->events.error, 0);
	assert_int_equal(r->events.oom, 2);
	assert_int_equal(r->events.oom_kill, 1);
	assert_int_equal(r->events.max, 12);
	assert_int_equal(r->events.high, 4);
	assert_true(r->events.has_group_kill);
	assert_int_equal(r->n_ancestors, 1);
	assert_string_equal(r->ancestors[0].path, "/system.slice");
	assert_int_equal(r->ancestors[0].oom_kill, 2);
	assert_false(r->ancestors[0].has_group_kill);
	/* The tightest limit wins: the service's 512M under the slice's 1G. */
	assert_true(r->memory_max.set);
	assert_int_equal(r->memory_max.bytes, 536870912);
	assert_string_equal(r->memory_max.where, "/system.slice/foo.service");
	assert_false(r->memory_high.set);
	assert_true(r->swap_max.set);
	assert_int_equal(r->swap_max.bytes, 0);
	assert_int_equal(r->current, 1048576);
	assert_int_equal(r->peak, 536870912);
	assert_int_equal(r->dmesg_restrict, 1);
	ew_oom_report_free(r);
}

/* A parent's limit applies below it, and the verdict says where it is set. */
static void test_parent_limit(void **state)
{
	struct ew_oom_report *r;
	char *v;

	(void)state;
	put("cg/system.slice/foo.service/memory.max", "max\n");
	r = build((struct ew_oom_query){.cgroup = "system.slice/foo.service"}, "kmsg");
	v = verdict(r);
	assert_string_equal(r->memory_max.where, "/system.slice");
	assert_non_null(strstr(v, "(memory.max 1G on /system.slice)"));
	free(v);
	ew_oom_report_free(r);
	put("cg/system.slice/foo.service/memory.max", "536870912\n");
}

static void test_user_unit_no_kill(void **state)
{
	struct ew_oom_report *r = build((struct ew_oom_query){.unit = "bar.service"}, "kmsg");
	struct ew_oom_report *self = build((struct ew_oom_query){0}, "kmsg");
	char *v = verdict(r);

	(void)state;
	assert_string_equal(r->cgroup, USER_UNIT);
	assert_string_equal(self->cgroup, USER_UNIT);
	assert_string_equal(v, "no OOM kill recorded for " USER_UNIT ": memory.events oom_kill 0");
	assert_int_equal(r->n_ancestors, 4);
	free(v);
	ew_oom_report_free(r);
	ew_oom_report_free(self);
}

static void test_container_and_missing(void **state)
{
	struct ew_oom_report *r = build((struct ew_oom_query){.container_id = "3f4e9a1b2c3d"}, "kmsg");
	struct ew_oom_report *gone = build((struct ew_oom_query){.unit = "nope.service"}, "kmsg");
	struct ew_oom_report *nopid = build((struct ew_oom_query){.pid = 99999}, "kmsg");
	char *v = verdict(gone);

	(void)state;
	assert_string_equal(r->cgroup, "/system.slice/docker-" DOCKER_ID ".scope");
	assert_null(gone->cgroup);
	assert_int_equal(gone->cgroup_error, -ENOENT);
	assert_string_equal(v, "could not tell whether the OOM killer struck: the cgroup could not be found (No such file or "
			       "directory)");
	assert_int_equal(nopid->cgroup_error, -ESRCH);
	free(v);
	ew_oom_report_free(r);
	ew_oom_report_free(gone);
	ew_oom_report_free(nopid);
}

/* A unit named . or .. would leave system.slice: refused, not followed. */
static void test_unit_dots(void **state)
{
	struct ew_oom_report *dot = build((struct ew_oom_query){.unit = "."}, "kmsg");
	struct ew_oom_report *dotdot = build((struct ew_oom_query){.unit = ".."}, "kmsg");

	(void)state;
	assert_null(dot->cgroup);
	assert_int_equal(dot->cgroup_error, -EINVAL);
	assert_null(dotdot->cgroup);
	assert_int_equal(dotdot->cgroup_error, -EINVAL);
	ew_oom_report_free(dot);
	ew_oom_report_free(dotdot);
}

/* A process may call itself "x,pid=1": the oom-kill: line's last pid= is the kernel's. */
static void test_comm_with_pid_field(void **state)
{
	struct ew_oom_report *r;

	(void)state;
	{
		char p[128];
		FILE *f;
		snprintf(p, sizeof(p), "%s/kmsg-comm", base);
		f = fopen(p, "w");
		assert_non_null(f);
		kill_record(f, boot_usec_ago(5), 4321, "x,pid=1", "/system.slice/foo.service");
		fclose(f);
	}
	r = build((struct ew_oom_query){.unit = "foo.service"}, "kmsg-comm");
	assert_int_equal(r->n_kills, 1);
	assert_int_equal(r->kills[0].pid, 4321);
	assert_string_equal(r->kills[0].memcg, "/system.slice/foo.service");
	assert_non_null(ew_oom_last_kill(r));
	ew_oom_report_free(r);
}

/* The last EW_OOM_MAX_KILLS are kept, oldest first, and every one counted. */
static void test_ring_of_kills(void **state)
{
	struct ew_oom_report *r;

	(void)state;
	write_kmsg("kmsg-many", 10);
	r = build((struct ew_oom_query){.unit = "foo.service"}, "kmsg-many");
	assert_int_equal(r->kills_seen, 12);
	assert_int_equal(r->n_kills, EW_OOM_MAX_KILLS);
	assert_int_equal(r->kills[0].pid, 104);
	assert_int_equal(r->kills[EW_OOM_MAX_KILLS - 1].pid, 1234);
	ew_oom_report_free(r);
}

/* A log that cannot be read says why, per source; as root a mode-0 file is readable, so
 * the EACCES case runs for other users only. */
static void test_kmsg_unreadable(void **state)
{
	struct ew_oom_report *r = build((struct ew_oom_query){.unit = "foo.service"}, "no-such-kmsg");
	struct ew_oom_report fake = {.cgroup_version = 2, .cgroup = "/x.service",
				     .events = {.path = "/x.service", .error = -EACCES},
				     .kmsg_path = "/dev/kmsg", .kmsg_error = -EPERM,
				     .dmesg_restrict = 1, .current = -1, .peak = -1};
	char *v;

	(void)state;
	assert_int_equal(r->kmsg_error, -ENOENT);
	assert_int_equal(r->n_kills, 0);
	/* memory.events still answers: one kill, unnamed. */
	v = verdict(r);
	assert_non_null(strstr(v, "killed 1 process in /system.slice/foo.service (memory.max 512M): "
				  "memory.events oom_kill 1"));
	free(v);
	v = verdict(&fake);
	assert_string_equal(v, "could not tell whether the OOM killer struck: /dev/kmsg: Operation not permitted "
			       "(dmesg_restrict=1; run as root), memory.events not readable "
			       "(Permission denied)");
	free(v);
	ew_oom_report_free(r);
	if (geteuid() != 0) {
		char p[128];
		snprintf(p, sizeof(p), "%s/kmsg", base);
		chmod(p, 0);
		r = build((struct ew_oom_query){.unit = "foo.service"}, "kmsg");
		assert_int_equal(r->kmsg_error, -EACCES);
		ew_oom_report_free(r);
		chmod(p, 0644);
	}
}

/* Names from the log reach the terminal escaped, and JSON keeps them as text. */
static void test_hostile_names(void **state)
{
	struct ew_oom_report *r;
	struct ew_buf b;
	json_t *root;
	char p[128];
	FILE *f;

	(void)state;
	snprintf(p, sizeof(p), "%s/kmsg-evil", base);
	f = fopen(p, "w");
	assert_non_null(f);
	kill_record(f, boot_usec_ago(10), 1234, "j\033]0;x\007 (a) \xff", "/system.slice/foo.service");
	fclose(f);
	r = build((struct ew_oom_query){.unit = "foo.service"}, "kmsg-evil");
	assert_string_equal(r->kills[0].comm, "j\033]0;x\007 (a) \xff");
	ew_buf_init(&b);
	assert_int_equal(ew_render_oom_text(&b, r, NULL), 0);
	assert_non_null(strstr(b.data, "killed j\\x1b]0;x\\x07 (a) \\xff (pid 1234)"));
	assert_null(strchr(b.data, '\033'));
	ew_buf_free(&b);
	assert_int_equal(ew_render_oom_json(&b, r, false), 0);
	root = json_loads(b.data, 0, NULL);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "verdict")), "killed");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(root, "kills"), 0), "memcg")),
			    "/system.slice/foo.service");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
				 json_object_get(root, "limits"), "memory.max"), "bytes")),
			 536870912);
	json_decref(root);
	ew_buf_free(&b);
	ew_oom_report_free(r);
}

static void test_cgroup_v1(void **state)
{
	struct ew_oom_report *r;
	struct ew_buf b;
	char *v;

	(void)state;
	put("v1/memory/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	put("v1/memory/memory.limit_in_bytes", "9223372036854771712\n");
	put("v1/memory/app/memory.oom_control", "oom_kill_disable 0\nunder_oom 1\noom_kill 3\n");
	put("v1/memory/app/memory.limit_in_bytes", "268435456\n");
	put("v1/memory/app/memory.usage_in_bytes", "268435456\n");
	put("proc/42/cgroup", "9:name=systemd:/\n4:cpu,memory:/app\n0::/\n");
	char cg[128], proc[128], km[128];
	snprintf(cg, sizeof(cg), "%s/v1", base);
	snprintf(proc, sizeof(proc), "%s/proc", base);
	snprintf(km, sizeof(km), "%s/kmsg", base);
	struct ew_oom_query q = {.pid = 42, .proc_root = proc, .cgroup_root = cg, .kmsg_path = km};
	assert_int_equal(ew_oom_report_build(&r, &q), 0);
	assert_int_equal(r->cgroup_version, 1);
	assert_string_equal(r->cgroup, "/app");
	assert_int_equal(r->v1_under_oom, 1);
	assert_int_equal(r->v1_oom_kill, 3);
	assert_int_equal(r->memory_max.bytes, 268435456);
	v = verdict(r);
	assert_string_equal(v, "the OOM killer killed 3 processes in /app "
			       "(memory.limit_in_bytes 256M): memory.oom_control oom_kill 3");
	free(v);
	ew_buf_init(&b);
	assert_int_equal(ew_render_oom_text(&b, r, NULL), 0);
	assert_non_null(strstr(b.data, "cgroup v1: memory.oom_control: under_oom 1, oom_kill 3"));
	ew_buf_free(&b);
	ew_oom_report_free(r);
}

static void test_invalid_queries(void **state)
{
	struct ew_oom_report *r = (void *)1;

	(void)state;
	assert_int_equal(ew_oom_report_build(NULL, NULL), -EINVAL);
	assert_int_equal(ew_oom_report_build(&r, &(struct ew_oom_query){.pid = 1, .unit = "a"}),
			 -EINVAL);
	assert_null(r);
	assert_int_equal(ew_oom_report_build(&r, &(struct ew_oom_query){.cgroup = "/a/../../etc"}),
			 -EINVAL);
	assert_int_equal(ew_oom_report_build(&r, &(struct ew_oom_query){.pid = -1}), -EINVAL);
	assert_int_equal(ew_render_oom_text(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(ew_render_oom_json(NULL, NULL, false), -EINVAL);
	assert_null(ew_oom_last_kill(NULL));
	ew_oom_report_free(NULL);
}

static const struct ew_entry *entry_named(const char *name)
{
	struct ew_match m;

	assert_int_equal(ew_lookup(name, &m, 1, NULL), 1);
	return m.entry;
}

/* A lookup's page shows each report where it belongs: OOM kills on SIGKILL's and 137's
 * pages (an exit status whose signal is SIGKILL), the resolver's configuration on
 * getaddrinfo codes' pages, nothing on others; JSON's on_this_machine the same. */
static void test_pages_show_their_reports(void **state)
{
	struct ew_oom_report *oom = build((struct ew_oom_query){.unit = "foo.service"}, "kmsg");
	struct ew_resolv_report *res = NULL;
	struct ew_resolv_paths none = {.nsswitch_conf = "/nonexistent/nsswitch.conf",
				       .resolv_conf = "/nonexistent/resolv.conf",
				       .hosts = "/nonexistent/hosts"};
	struct ew_entry killed = *entry_named("203"), sigkill;
	const struct ew_entry *eai = entry_named("EAI_NONAME"), *other = entry_named("EADDRINUSE");
	struct ew_diagnosis diag;
	struct ew_match m[3];
	struct ew_buf b;
	json_t *root;

	(void)state;
	assert_int_equal(ew_resolv_report_build(&res, "db.internal", &none), 0);
	diag = (struct ew_diagnosis){.oom = oom, .resolver = res};
	/* No 137 or SIGKILL entry need be in the catalog: one made from an exit status. */
	killed.name = "137";
	killed.number = 137;
	killed.signal = 9;
	sigkill = killed;
	sigkill.family = EW_FAMILY_SIGNAL;
	sigkill.number = 9;
	assert_true(ew_oom_applies(&killed));
	assert_true(ew_oom_applies(&sigkill));
	assert_false(ew_oom_applies(entry_named("203")));
	assert_false(ew_oom_applies(other));
	assert_false(ew_oom_applies(NULL));
	assert_true(ew_resolv_applies(eai));
	assert_false(ew_resolv_applies(&killed));
	assert_false(ew_resolv_applies(NULL));

	m[0] = (struct ew_match){.entry = &killed, .kind = EW_MATCH_NAME, .as_name = "137",
				 .system = -1};
	m[1] = (struct ew_match){.entry = eai, .kind = EW_MATCH_NAME, .as_name = "EAI_NONAME",
				 .system = -1};
	m[2] = (struct ew_match){.entry = other, .kind = EW_MATCH_NAME, .as_name = "EADDRINUSE",
				 .system = -1};
	ew_buf_init(&b);
	assert_int_equal(ew_render_text(&b, &m[0], NULL, &diag), 0);
	assert_non_null(strstr(b.data, "\nOn this machine\n  the OOM killer killed java (pid 1234)"));
	assert_null(strstr(b.data, "nsswitch.conf"));
	ew_buf_free(&b);
	assert_int_equal(ew_render_text(&b, &m[1], NULL, &diag), 0);
	assert_non_null(strstr(b.data, "\nOn this machine\n  name db.internal: not in /etc/hosts\n"));
	assert_non_null(strstr(b.data, "  nsswitch.conf hosts: not readable: "));
	assert_null(strstr(b.data, "OOM"));
	ew_buf_free(&b);
	assert_int_equal(ew_render_text(&b, &m[2], NULL, &diag), 0);
	assert_null(strstr(b.data, "On this machine"));
	ew_buf_free(&b);

	assert_int_equal(ew_render_json(&b, m, 3, false, &diag), 0);
	root = json_loads(b.data, 0, NULL);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
				    json_array_get(root, 0), "on_this_machine"), "oom"), "verdict")),
			    "killed");
	assert_null(json_object_get(json_object_get(json_array_get(root, 0), "on_this_machine"),
				    "resolver"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
				    json_array_get(root, 1), "on_this_machine"), "resolver"), "name")),
			    "db.internal");
	assert_null(json_object_get(json_array_get(root, 2), "on_this_machine"));
	json_decref(root);
	ew_buf_free(&b);
	ew_resolv_report_free(res);
	ew_oom_report_free(oom);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_kill_verdict),
		cmocka_unit_test(test_pid_counters_and_limits),
		cmocka_unit_test(test_parent_limit),
		cmocka_unit_test(test_user_unit_no_kill),
		cmocka_unit_test(test_container_and_missing),
		cmocka_unit_test(test_ring_of_kills),
		cmocka_unit_test(test_unit_dots),
		cmocka_unit_test(test_comm_with_pid_field),
		cmocka_unit_test(test_kmsg_unreadable),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_cgroup_v1),
		cmocka_unit_test(test_invalid_queries),
		cmocka_unit_test(test_pages_show_their_reports),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
