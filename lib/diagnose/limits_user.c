/* limits_user.c: the per-user counts that no kernel file gives: the threads of a user (what
 * RLIMIT_NPROC counts) and its inotify instances and watches, in one walk over /proc. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "diagnose.h"
#include "limits.h"

/* A walk of fewer processes stays on one thread (as in scan.c: a second one costs about
 * what reading a few processes does). */
#define PARALLEL_MIN 64

#define INOTIFY_LEN (sizeof("anon_inode:inotify") - 1)

/* What one thread of the walk has counted; the threads' are added up at the end. */
struct tally {
	uint64_t processes, threads, instances, watches;
	unsigned unreadable;
	struct ew_limits_watcher top[EW_LIMITS_TOP];
	size_t n_top;
};

struct walk {
	int proc_fd;
	uint32_t uid;
	unsigned parts;
	int *pids;
	size_t n;
	atomic_size_t next;
};

uint64_t ew_limits_fdinfo_watches(const char *text)
{
	uint64_t n = 0;

	for (const char *p = text; (p = strstr(p, "inotify wd:")); p += 11)
		if (p == text || p[-1] == '\n')
			n++;
	return n;
}

/* Reads up to size-1 bytes of the file at path under the /proc fd, NUL-terminated: these
 * files (status, fdinfo, comm) are generated whole on the first read. */
static ssize_t read_small(int dir, const char *path, char *buf, size_t size)
{
	int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

static uint64_t fd_watches(struct walk *w, int pid, const char *fd)
{
	char path[64], text[65536];

	/* A watch line is about 100 bytes: 64 KiB holds some 600, and an instance with more
	 * is read on in a loop below. */
	snprintf(path, sizeof(path), "%d/fdinfo/%s", pid, fd);
	int dfd = openat(w->proc_fd, path, O_RDONLY | O_CLOEXEC);
	uint64_t n = 0;
	size_t keep = 0;
	ssize_t got;

	if (dfd < 0)
		return 0;
	/* Lines may span reads: the tail after the last newline is carried over. */
	while ((got = read(dfd, text + keep, sizeof(text) - 1 - keep)) > 0 ||
	       (got < 0 && errno == EINTR)) {
		char *last;
		if (got < 0)
			continue;
		text[keep + (size_t)got] = '\0';
		last = strrchr(text, '\n');
		if (!last) {
			keep = 0; /* a line longer than the buffer is no watch line */
			continue;
		}
		*last = '\0';
		n += ew_limits_fdinfo_watches(text);
		keep = strlen(last + 1);
		memmove(text, last + 1, keep);
		text[keep] = '\0';
		/* The carried tail starts a line, as ew_limits_fdinfo_watches expects. */
	}
	if (keep)
		n += ew_limits_fdinfo_watches(text);
	close(dfd);
	return n;
}

/* Counts the inotify fds of pid and their watches; false when its fds are refused. */
static bool read_inotify(struct walk *w, int pid, uint64_t *instances, uint64_t *watches)
{
	char path[32], dents[16384], link[32];
	int dfd;
	bool denied = false;

	snprintf(path, sizeof(path), "%d/fd", pid);
	dfd = openat(w->proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno != EACCES && errno != EPERM;
	for (;;) {
		long n = syscall(SYS_getdents64, dfd, dents, sizeof(dents));
		if (n <= 0) {
			denied |= n < 0 && (errno == EACCES || errno == EPERM);
			break;
		}
		/* A buffer left with room for more entries means the directory ended: procfs
		 * fills it until the next entry does not fit. That saves a call per process. */
		bool last = (size_t)n + 512 <= sizeof(dents);
		for (long off = 0; off < n && !denied;) {
			struct ew_dirent64 *d = (struct ew_dirent64 *)(dents + off);
			ssize_t len;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			len = readlinkat(dfd, d->d_name, link, sizeof(link));
			if (len < 0 && (errno == EACCES || errno == EPERM))
				denied = true;
			if ((size_t)len == INOTIFY_LEN && memcmp(link, "anon_inode:inotify", INOTIFY_LEN) == 0) {
				(*instances)++;
				*watches += fd_watches(w, pid, d->d_name);
			}
		}
		if (denied || last)
			break;
	}
	close(dfd);
	return !denied;
}

static void offer(struct walk *w, struct tally *t, int pid, uint64_t instances,
		  uint64_t watches)
{
	size_t at = t->n_top;
	char path[32], comm[64] = "";

	while (at > 0 && t->top[at - 1].watches < watches)
		at--;
	if (at == EW_LIMITS_TOP)
		return;
	snprintf(path, sizeof(path), "%d/comm", pid);
	if (read_small(w->proc_fd, path, comm, sizeof(comm)) > 0)
		comm[strcspn(comm, "\n")] = '\0';
	if (t->n_top < EW_LIMITS_TOP)
		t->n_top++;
	memmove(&t->top[at + 1], &t->top[at], (t->n_top - 1 - at) * sizeof(t->top[0]));
	t->top[at] = (struct ew_limits_watcher){.pid = pid, .instances = instances,
						.watches = watches};
	snprintf(t->top[at].comm, sizeof(t->top[at].comm), "%s", comm);
}

/* One process: is it the user's, and what it holds. One stat of /proc/PID/task tells both
 * whose it is (its owner is the process's effective uid) and how many threads it has (its
 * link count is 2 plus the threads), where /proc/PID/status would cost a page of text made
 * for each process. So a process counts for its effective uid, where RLIMIT_NPROC counts the
 * real one: they differ in a set-uid program, and one that is not dumpable shows as root's. */
static void read_process(struct walk *w, struct tally *t, int pid)
{
	char name[24];
	struct stat st;
	uint64_t instances = 0, watches = 0;
	int at = snprintf(name, sizeof(name), "%d", pid);

	/* Most processes are another user's: a stat of the one component tells that, cheaper
	 * than a lookup of two. */
	if (fstatat(w->proc_fd, name, &st, 0) < 0 || st.st_uid != w->uid)
		return;
	snprintf(name + at, sizeof(name) - (size_t)at, "/task");
	if ((w->parts & EW_LIMITS_PROCESSES) && fstatat(w->proc_fd, name, &st, 0) < 0)
		return;
	if (w->parts & EW_LIMITS_PROCESSES) {
		t->processes++;
		t->threads += st.st_nlink > 2 ? (uint64_t)st.st_nlink - 2 : 1;
	}
	if (!(w->parts & EW_LIMITS_INOTIFY))
		return;
	if (!read_inotify(w, pid, &instances, &watches)) {
		t->unreadable++;
		return;
	}
	t->instances += instances;
	t->watches += watches;
	if (instances)
		offer(w, t, pid, instances, watches);
}

static void *walk_thread(void *arg)
{
	struct walk *w = ((void **)arg)[0];
	struct tally *t = ((void **)arg)[1];
	size_t i;

	while ((i = atomic_fetch_add(&w->next, 1)) < w->n)
		read_process(w, t, w->pids[i]);
	return NULL;
}

static int list_pids(struct walk *w)
{
	char dents[32768];
	size_t cap = 0;
	int dfd = openat(w->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return -errno;
	for (;;) {
		long n = syscall(SYS_getdents64, dfd, dents, sizeof(dents));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct ew_dirent64 *d = (struct ew_dirent64 *)(dents + off);
			char *end;
			long pid = strtol(d->d_name, &end, 10);

			off += d->d_reclen;
			if (*end || pid <= 0)
				continue;
			if (w->n == cap) {
				int *p;
				cap = cap ? cap * 2 : 1024;
				if (!(p = realloc(w->pids, cap * sizeof(*p)))) {
					close(dfd);
					return -ENOMEM;
				}
				w->pids = p;
			}
			w->pids[w->n++] = (int)pid;
		}
	}
	close(dfd);
	return 0;
}

static void merge(struct walk *w, struct tally *into, const struct tally *from)
{
	into->processes += from->processes;
	into->threads += from->threads;
	into->instances += from->instances;
	into->watches += from->watches;
	into->unreadable += from->unreadable;
	for (size_t i = 0; i < from->n_top; i++) {
		size_t at = into->n_top;
		const struct ew_limits_watcher *x = &from->top[i];
		while (at > 0 && into->top[at - 1].watches < x->watches)
			at--;
		if (at == EW_LIMITS_TOP)
			continue;
		if (into->n_top < EW_LIMITS_TOP)
			into->n_top++;
		memmove(&into->top[at + 1], &into->top[at],
			(into->n_top - 1 - at) * sizeof(into->top[0]));
		into->top[at] = *x;
	}
	(void)w;
}

/* Reading /proc is CPU work in the kernel: on two CPUs, a long walk takes both. */
static void run(struct walk *w, struct tally *t)
{
	struct tally other = {0};
	void *mine[2] = {w, t}, *theirs[2] = {w, &other};
	pthread_t helper;
	bool two = w->n >= PARALLEL_MIN && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
		   pthread_create(&helper, NULL, walk_thread, theirs) == 0;

	walk_thread(mine);
	if (two) {
		pthread_join(helper, NULL);
		merge(w, t, &other);
	}
}

int ew_limits_scan_user(uint32_t uid, unsigned parts, struct ew_limits_inotify *in,
			struct ew_limits_processes *p)
{
	struct walk w = {.uid = uid, .parts = parts};
	struct tally t = {0};
	struct statfs fs;
	int e = 0;

	atomic_init(&w.next, 0);
	w.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* An unmounted /proc is an empty directory: it would count nothing, wrongly. */
	if (w.proc_fd < 0 || fstatfs(w.proc_fd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
		e = -ENOENT;
	if (e == 0 && (e = list_pids(&w)) == 0)
		run(&w, &t);
	if (w.proc_fd >= 0)
		close(w.proc_fd);
	free(w.pids);
	if (e == -ENOMEM)
		return e;
	if (parts & EW_LIMITS_PROCESSES) {
		p->error = e;
		p->processes = t.processes;
		p->threads = t.threads;
	}
	if (parts & EW_LIMITS_INOTIFY) {
		in->error = e;
		in->instances = t.instances;
		in->watches = t.watches;
		in->unreadable = t.unreadable;
		memcpy(in->top, t.top, sizeof(t.top));
		in->n_top = t.n_top;
	}
	return 0;
}
