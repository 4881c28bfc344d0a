/* oom_kmsg.c: the OOM killer's lines in the kernel log (/dev/kmsg), read without blocking
 * from the oldest record kept, so a report names the process killed and when. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oom.h"

/* /dev/kmsg returns one record a read and fails with EINVAL when the buffer is smaller than
 * the record: records are at most ~1 KiB of text plus a dictionary, so 16 KiB is ample. */
#define RECORD_MAX 16384

/* The oom-kill: line comes just before its "Killed process" line; it is held here until
 * then. */
struct pending {
	int pid;
	char *memcg, *constraint;
};

struct kmsg_state {
	struct ew_oom_report *r;
	struct pending p;
	int64_t boot_to_wall_usec; /* CLOCK_REALTIME - CLOCK_BOOTTIME, now */
};

/* "key=value" in a comma-separated list ("constraint=X,...,task_memcg=/a,task=j,pid=1"): the
 * first one, or with last the last one. The kernel prints task=COMM before pid= and uid=, and a
 * process may name itself "x,pid=1": its real pid is the last pid=. */
static char *field(const char *s, const char *key, bool last)
{
	size_t n = strlen(key);
	const char *at = NULL, *at_end = NULL;

	for (const char *c = s; c && *c;) {
		const char *end = strchrnul(c, ',');
		if (strncmp(c, key, n) == 0 && c[n] == '=') {
			at = c + n + 1;
			at_end = end;
			if (!last)
				break;
		}
		c = *end ? end + 1 : NULL;
	}
	return at ? strndup(at, (size_t)(at_end - at)) : NULL;
}

static void pending_clear(struct pending *p)
{
	free(p->memcg);
	free(p->constraint);
	*p = (struct pending){0};
}

/* "oom-kill:constraint=CONSTRAINT_MEMCG,...,task_memcg=/x.service,task=java,pid=1234,uid=0" */
static int parse_oom_kill_line(struct kmsg_state *st, const char *msg)
{
	char *pid;

	pending_clear(&st->p);
	pid = field(msg, "pid", true);
	st->p.pid = pid ? atoi(pid) : 0;
	free(pid);
	st->p.memcg = field(msg, "task_memcg", false);
	st->p.constraint = field(msg, "constraint", false);
	/* A missing key is no error; a failed strndup of one that is there would be. */
	if ((strstr(msg, "task_memcg=") && !st->p.memcg) ||
	    (strstr(msg, "constraint=") && !st->p.constraint))
		return -ENOMEM;
	return 0;
}

static uint64_t kb_after(const char *s, const char *key)
{
	const char *at = strstr(s, key);

	return at ? strtoull(at + strlen(key), NULL, 10) : 0;
}

/* Room for one more kill: the oldest goes when all EW_OOM_MAX_KILLS are taken. */
static struct ew_oom_kill *next_slot(struct ew_oom_report *r)
{
	if (r->n_kills == EW_OOM_MAX_KILLS) {
		free(r->kills[0].memcg);
		free(r->kills[0].constraint);
		memmove(&r->kills[0], &r->kills[1], (EW_OOM_MAX_KILLS - 1) * sizeof(r->kills[0]));
		r->n_kills--;
	}
	r->kills[r->n_kills] = (struct ew_oom_kill){.uid = (uint32_t)-1};
	return &r->kills[r->n_kills++];
}

/* The comm in "1234 (java) total-vm:..." may hold spaces and parentheses: it runs from the
 * first '(' to the last ')' before "total-vm:". */
static void parse_comm(struct ew_oom_kill *k, const char *s)
{
	const char *open = strchr(s, '('), *vm = strstr(s, "total-vm:"), *end = NULL;

	if (!open)
		return;
	for (const char *c = strchr(open, ')'); c && (!vm || c < vm); c = strchr(c + 1, ')'))
		end = c;
	if (end)
		snprintf(k->comm, sizeof(k->comm), "%.*s", (int)(end - open - 1), open + 1);
}

/* "Killed process 1234 (java) total-vm:123kB, anon-rss:45kB, ..., UID:1000 ..." */
static void parse_killed(struct kmsg_state *st, const char *s, bool memcg_oom, uint64_t usec)
{
	struct ew_oom_kill *k = next_slot(st->r);

	st->r->kills_seen++;
	k->pid = atoi(s);
	parse_comm(k, s);
	k->total_vm_kb = kb_after(s, "total-vm:");
	k->anon_rss_kb = kb_after(s, "anon-rss:");
	if (strstr(s, "UID:"))
		k->uid = (uint32_t)kb_after(s, "UID:");
	k->memcg_oom = memcg_oom;
	k->boot_usec = usec;
	k->wall_usec = st->boot_to_wall_usec + (int64_t)usec;
	if (st->p.pid == k->pid) {
		k->memcg = st->p.memcg;
		k->constraint = st->p.constraint;
		st->p.memcg = st->p.constraint = NULL;
	}
	pending_clear(&st->p);
}

/* One record, "6,1234,5678901234,-;message": the OOM killer's two lines, nothing else. */
static int parse_record(struct kmsg_state *st, const char *line)
{
	static const char killed[] = "Killed process ";
	const char *semi = strchr(line, ';'), *c1 = strchr(line, ','), *c2, *msg, *k;
	uint64_t usec;

	if (!semi || !c1 || !(c2 = strchr(c1 + 1, ',')) || c2 > semi)
		return 0;
	usec = strtoull(c2 + 1, NULL, 10);
	msg = semi + 1;
	if (strncmp(msg, "oom-kill:", 9) == 0)
		return parse_oom_kill_line(st, msg + 9);
	if ((strncmp(msg, "Out of memory", 13) == 0 ||
	     strncmp(msg, "Memory cgroup out of memory", 27) == 0) &&
	    (k = strstr(msg, killed)))
		parse_killed(st, k + sizeof(killed) - 1, msg[0] == 'M', usec);
	return 0;
}

static int64_t usec_of(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts) < 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Splits what was read into lines: /dev/kmsg gives one record a read, a regular file (a
 * test's fixture, a saved log) gives many. Dictionary lines (" SUBSYSTEM=...") are skipped. */
static int feed(struct kmsg_state *st, char *buf, size_t *have)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(buf + start, '\n', *have - start))) {
		*nl = '\0';
		if (buf[start] != ' ') {
			int e = parse_record(st, buf + start);
			if (e < 0)
				return e;
		}
		start = (size_t)(nl - buf) + 1;
	}
	memmove(buf, buf + start, *have - start);
	*have -= start;
	/* A line longer than the buffer is no OOM line: drop it rather than stall. */
	if (*have == RECORD_MAX)
		*have = 0;
	return 0;
}

static int read_all(struct kmsg_state *st, int fd, char *buf)
{
	size_t have = 0;

	for (;;) {
		ssize_t n = read(fd, buf + have, RECORD_MAX - have);
		int e;

		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten under us: read on from the next */
		if (n < 0 && errno == EAGAIN)
			break;    /* the end of the log, now */
		if (n < 0)
			return -errno;
		have += (size_t)n;
		if ((e = feed(st, buf, &have)) < 0)
			return e;
	}
	buf[have] = '\0';
	return have && buf[0] != ' ' ? parse_record(st, buf) : 0;
}

int ew_oom_read_kmsg(struct ew_oom_report *r, const char *path)
{
	struct kmsg_state st = {.r = r};
	char *buf;
	int fd, e;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r->kmsg_error = -errno;
		return 0;
	}
	/* SEEK_DATA on /dev/kmsg goes to the first record after the last "dmesg -c"; on a
	 * regular file at offset 0 it stays there. */
	lseek(fd, 0, SEEK_DATA);
	buf = malloc(RECORD_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	st.boot_to_wall_usec = usec_of(CLOCK_REALTIME) - usec_of(CLOCK_BOOTTIME);
	e = read_all(&st, fd, buf);
	pending_clear(&st.p);
	free(buf);
	close(fd);
	if (e == -ENOMEM)
		return e;
	r->kmsg_error = e;
	return 0;
}
