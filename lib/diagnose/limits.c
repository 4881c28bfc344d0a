/* limits.c: a limits report for one process: who it is, its rlimits from /proc/PID/limits,
 * the system's counters from /proc/sys, its memory maps; the fds and the per-user walk are
 * in limits_fds.c and limits_user.c. Everything is read; nothing is set. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diagnose.h"
#include "limits.h"

#define TEXT_MAX (1u << 20) /* /proc/PID/status and friends are a few KiB */

int ew_limits_read_text(const char *path, char **out)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int fd;

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (;;) {
		ssize_t got;
		if (n + 1 >= cap) {
			char *p = cap < TEXT_MAX ? realloc(buf, cap * 2) : NULL;
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = -errno;
			close(fd);
			free(buf);
			return e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	return 0;
}

/* One number from a /proc/sys file, or -1 when it cannot be read. */
static int64_t sysctl_value(const char *path)
{
	char *text;
	long long v;
	int64_t r = -1;

	if (ew_limits_read_text(path, &text) < 0)
		return -1;
	if (sscanf(text, "%lld", &v) == 1 && v >= 0)
		r = v;
	free(text);
	return r;
}

static int parse_value(const char *s, uint64_t *v, const char **end)
{
	char *e;
	unsigned long long n;

	while (*s == ' ')
		s++;
	if (strncmp(s, "unlimited", 9) == 0) {
		*v = EW_LIMIT_UNLIMITED;
		*end = s + 9;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -ENOENT;
	errno = 0;
	n = strtoull(s, &e, 10);
	if (errno)
		return -ENOENT;
	*v = n;
	*end = e;
	return 0;
}

int ew_limits_parse_rlimit(const char *text, const char *name, uint64_t *soft, uint64_t *hard)
{
	size_t len = strlen(name);

	/* Rows are "Max open files            1024                 4096                 files":
	 * the name, padded to a column, then soft and hard. */
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		const char *p;
		if (strncmp(line, name, len) != 0 || line[len] != ' ')
			continue;
		if (parse_value(line + len, soft, &p) < 0 || parse_value(p, hard, &p) < 0)
			return -ENOENT;
		return 0;
	}
	return -ENOENT;
}

static int read_rlimit(int pid, const char *name, uint64_t *soft, uint64_t *hard)
{
	char path[48], *text;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/limits", pid);
	if ((r = ew_limits_read_text(path, &text)) < 0)
		return r == -ENOENT ? -ESRCH : r;
	r = ew_limits_parse_rlimit(text, name, soft, hard);
	free(text);
	return r == -ENOENT ? -EIO : r;
}

/* The real uid, from the first field of "Uid:" in /proc/PID/status. */
static int read_real_uid(int pid, uint32_t *uid)
{
	char path[48], *text, *line;
	unsigned u;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((r = ew_limits_read_text(path, &text)) < 0)
		return r == -ENOENT ? -ESRCH : r;
	line = strstr(text, "\nUid:");
	r = line && sscanf(line + 5, "%u", &u) == 1 ? 0 : -EIO;
	if (r == 0)
		*uid = u;
	free(text);
	return r;
}

/* Who the process is: comm and what runs it (unit, container), from process.c; the user is
 * the real uid's, which the per-user limits count by. */
static int read_identity(struct ew_limits_report *r)
{
	struct ew_port_holder h;
	int e = ew_proc_read(r->pid, &h);

	if (e < 0)
		return e;
	memcpy(r->comm, h.comm, sizeof(r->comm));
	r->unit = h.unit;
	r->user_unit = h.user_unit;
	r->container = h.container_runtime;
	h.unit = h.container_runtime = NULL;
	if ((e = read_real_uid(r->pid, &r->uid)) == 0) {
		/* The holder's name is its effective uid's: the same one unless set-uid. */
		if (h.uid == r->uid) {
			r->user = h.user;
			h.user = NULL;
		} else {
			r->user = ew_user_name(r->uid);
		}
	}
	ew_proc_clear(&h);
	return e;
}

static void read_system_files(struct ew_limits_system_files *s)
{
	char *text;
	unsigned long long open, unused, max;

	s->error = ew_limits_read_text("/proc/sys/fs/file-nr", &text);
	if (s->error < 0)
		return;
	if (sscanf(text, "%llu %llu %llu", &open, &unused, &max) == 3) {
		s->open = open;
		s->max = max;
	} else {
		s->error = -EIO;
	}
	free(text);
}

/* Lines of /proc/PID/maps: one per mapping, which is what vm.max_map_count counts. */
static void read_maps(int pid, struct ew_limits_maps *m)
{
	char path[48], buf[65536];
	int fd;
	ssize_t n;

	m->max = sysctl_value("/proc/sys/vm/max_map_count");
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		m->error = -errno;
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			m->error = -errno;
			break;
		}
		for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
			m->count++;
	}
	close(fd);
}

/* "the threads on the system" is the number after the slash in /proc/loadavg's fourth field. */
static int64_t system_threads(void)
{
	char *text;
	long long running, all;
	int64_t r = -1;

	if (ew_limits_read_text("/proc/loadavg", &text) < 0)
		return -1;
	if (sscanf(text, "%*s %*s %*s %lld/%lld", &running, &all) == 2)
		r = all;
	free(text);
	return r;
}

static int read_parts(struct ew_limits_report *r)
{
	int e;

	if (r->parts & EW_LIMITS_FDS) {
		r->fds.limit_error = read_rlimit(r->pid, "Max open files", &r->fds.soft, &r->fds.hard);
		r->fds.nr_open = sysctl_value("/proc/sys/fs/nr_open");
		if ((e = ew_limits_read_fds(r->pid, &r->fds)) < 0)
			return e;
	}
	if (r->parts & EW_LIMITS_SYSTEM_FILES)
		read_system_files(&r->system_files);
	if (r->parts & EW_LIMITS_INOTIFY) {
		r->inotify.max_instances = sysctl_value("/proc/sys/fs/inotify/max_user_instances");
		r->inotify.max_watches = sysctl_value("/proc/sys/fs/inotify/max_user_watches");
	}
	if (r->parts & EW_LIMITS_PROCESSES) {
		r->processes.limit_error = read_rlimit(r->pid, "Max processes", &r->processes.soft,
						       &r->processes.hard);
		r->processes.threads_max = sysctl_value("/proc/sys/kernel/threads-max");
		r->processes.system_threads = system_threads();
	}
	if (r->parts & (EW_LIMITS_INOTIFY | EW_LIMITS_PROCESSES)) {
		e = ew_limits_scan_user(r->uid, r->parts, &r->inotify, &r->processes);
		if (e < 0)
			return e;
	}
	if (r->parts & EW_LIMITS_MAPS)
		read_maps(r->pid, &r->maps);
	return 0;
}

int ew_limits_report_build(struct ew_limits_report **out, int pid, unsigned parts)
{
	struct ew_limits_report *r;
	int e;

	if (!out || pid < 0)
		return -EINVAL;
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->parts = parts & EW_LIMITS_ALL ? parts & EW_LIMITS_ALL : EW_LIMITS_ALL;
	r->parent = pid == 0;
	r->caller_uid = (uint32_t)geteuid();
	r->pid = pid ? pid : (int)getppid();
	if ((e = read_identity(r)) < 0 || (e = read_parts(r)) < 0) {
		ew_limits_report_free(r);
		return e;
	}
	*out = r;
	return 0;
}

void ew_limits_report_free(struct ew_limits_report *r)
{
	if (!r)
		return;
	ew_limits_fds_clear(&r->fds);
	free(r->user);
	free(r->unit);
	free(r->container);
	free(r);
}

unsigned ew_limits_applies(const struct ew_entry *e)
{
	static const struct {
		const char *name;
		unsigned parts;
	} pages[] = {
		{"EMFILE", EW_LIMITS_FDS | EW_LIMITS_INOTIFY},
		{"ENFILE", EW_LIMITS_SYSTEM_FILES},
		{"ENOSPC", EW_LIMITS_INOTIFY},
		{"EAGAIN", EW_LIMITS_PROCESSES},
		{"ENOMEM", EW_LIMITS_MAPS},
	};

	if (!e || e->family != EW_FAMILY_ERRNO)
		return 0;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(e->name, pages[i].name) == 0)
			return pages[i].parts;
	return 0;
}
