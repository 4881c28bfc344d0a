/* limits_fds.c: the open fds of one process, from its /proc/PID/fd links: how many, of which
 * kinds, and the groups that hold the most (one file opened 50 times, 3,000 sockets). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diagnose.h"
#include "limits.h"

/* The links that are not sockets or pipes, kept to group them: each one's text. */
struct keys {
	char **v;
	size_t n, cap;
};

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

const char *ew_limits_fd_kind(const char *link, size_t len)
{
	if (starts(link, len, "socket:["))
		return "socket";
	if (starts(link, len, "pipe:["))
		return "pipe";
	if (starts(link, len, "anon_inode:"))
		return "anon";
	if (starts(link, len, "/dev/") && !starts(link, len, "/dev/shm/"))
		return "device";
	if (len && link[0] == '/')
		return "file";
	return "other";
}

static void count_kind(struct ew_limits_fds *f, const char *kind)
{
	uint64_t *slot = strcmp(kind, "socket") == 0   ? &f->socket
			 : strcmp(kind, "pipe") == 0   ? &f->pipe
			 : strcmp(kind, "anon") == 0   ? &f->anon
			 : strcmp(kind, "device") == 0 ? &f->device
			 : strcmp(kind, "file") == 0   ? &f->file
						       : &f->other;
	(*slot)++;
}

static int keep(struct keys *k, const char *link, size_t len)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		char **p = realloc(k->v, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		k->v = p;
		k->cap = cap;
	}
	if (!(k->v[k->n] = strndup(link, len)))
		return -ENOMEM;
	k->n++;
	return 0;
}

/* Puts a group into top (largest first, EW_LIMITS_TOP of them) if it is large enough. The
 * target is copied only when it is kept. */
static int offer(struct ew_limits_fds *f, const char *target, const char *kind, uint64_t count)
{
	size_t at = f->n_top;
	char *copy;

	if (count == 0)
		return 0;
	while (at > 0 && f->top[at - 1].count < count)
		at--;
	if (at == EW_LIMITS_TOP)
		return 0;
	if (!(copy = strdup(target)))
		return -ENOMEM;
	if (f->n_top == EW_LIMITS_TOP)
		free(f->top[--f->n_top].target);
	memmove(&f->top[at + 1], &f->top[at], (f->n_top - at) * sizeof(f->top[0]));
	f->top[at] = (struct ew_limits_fd_group){.target = copy, .kind = kind, .count = count};
	f->n_top++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sockets and pipes are one group each (each has its own inode, so no two links match);
 * everything else groups by its link's text, counted after a sort. */
static int rank(struct ew_limits_fds *f, struct keys *k)
{
	int e = offer(f, "socket", "socket", f->socket);

	if (e == 0)
		e = offer(f, "pipe", "pipe", f->pipe);
	if (k->n)
		qsort(k->v, k->n, sizeof(*k->v), cmp_str);
	for (size_t i = 0, j; e == 0 && i < k->n; i = j) {
		for (j = i + 1; j < k->n && strcmp(k->v[i], k->v[j]) == 0; j++)
			;
		e = offer(f, k->v[i], ew_limits_fd_kind(k->v[i], strlen(k->v[i])), j - i);
	}
	return e;
}

/* Reads every link of the fd directory dfd. 0, -EACCES when the links are refused (a process
 * we may not trace), or -ENOMEM. */
static int read_links(int dfd, struct ew_limits_fds *f, struct keys *k)
{
	char dents[16384], link[4096];

	for (;;) {
		long n = syscall(SYS_getdents64, dfd, dents, sizeof(dents));

		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (long off = 0; off < n;) {
			struct ew_dirent64 *d = (struct ew_dirent64 *)(dents + off);
			ssize_t len;
			const char *kind;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			len = readlinkat(dfd, d->d_name, link, sizeof(link));
			if (len < 0 && (errno == EACCES || errno == EPERM))
				return -EACCES;
			if (len < 0)
				continue; /* closed while we read: no longer open */
			f->open++;
			kind = ew_limits_fd_kind(link, (size_t)len);
			count_kind(f, kind);
			if (strcmp(kind, "socket") != 0 && strcmp(kind, "pipe") != 0 &&
			    keep(k, link, (size_t)len) < 0)
				return -ENOMEM;
		}
	}
}

int ew_limits_read_fds(int pid, struct ew_limits_fds *f)
{
	struct keys k = {0};
	char path[48];
	int dfd, e;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		f->error = errno == ENOENT ? -ESRCH : -errno;
		return 0;
	}
	e = read_links(dfd, f, &k);
	close(dfd);
	if (e == 0)
		e = rank(f, &k);
	for (size_t i = 0; i < k.n; i++)
		free(k.v[i]);
	free(k.v);
	if (e == -ENOMEM)
		return e;
	if (e < 0) {
		/* Nothing partial: a count of the links we happened to read would mislead. */
		ew_limits_fds_clear(f);
		f->error = e;
	}
	return 0;
}

void ew_limits_fds_clear(struct ew_limits_fds *f)
{
	for (size_t i = 0; i < f->n_top; i++)
		free(f->top[i].target);
	f->n_top = 0;
	f->open = f->socket = f->pipe = f->file = f->device = f->anon = f->other = 0;
}
