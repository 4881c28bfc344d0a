/* scan.c: finds which processes hold given socket inodes, by reading /proc/PID/fd links.
 * That walk is what every tool pays for (ss -p reads every fd of every process); here the
 * walk is ordered so that the holder usually comes early, and stops once it has come; a long
 * walk runs on two threads. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diagnose.h"

/* The inodes of a process kept as evidence for the guided walk. */
#define CAND_INODES 16

/* A walk of fewer processes stays on one thread: starting a second costs about what reading
 * a few processes does. */
#define PARALLEL_MIN 64

/* A process that may hold a target. */
struct cand {
	int pid;
	uint32_t uid;
	bool done;                    /* its fds have been read */
	uint8_t n_inodes;
	uint64_t inodes[CAND_INODES]; /* its first socket and pipe inodes */
};

/* While a walk runs on two threads, each candidate is read by the one thread that took its
 * index, and only that thread touches it; what they share (the targets' counts, unresolved,
 * the hits, unreadable, error) changes under lock, taken only on a hit, a denial or a
 * failure. stop is read without the lock: it only says when to take no more. */
struct scanner {
	int proc_fd;
	struct ew_scan_target *targets; /* sorted by inode */
	size_t n_targets;
	size_t unresolved;              /* targets without a holder yet */
	struct cand *cands;
	size_t n_cands;
	struct ew_scan_result *res;
	size_t hits_cap;
	int error;
	bool all;                       /* read every process: never stop early */
	struct ew_scan_target *want;    /* the walk stops when it has a holder; NULL: all have */
	atomic_bool stop;
	pthread_mutex_t lock;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_target(const void *a, const void *b)
{
	return cmp_u64(&((const struct ew_scan_target *)a)->inode,
		       &((const struct ew_scan_target *)b)->inode);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_cand_pid(const void *a, const void *b)
{
	int x = ((const struct cand *)a)->pid, y = ((const struct cand *)b)->pid;
	return (x > y) - (x < y);
}

/* "socket:[12345]" -> 12345, and "pipe:[678]" -> 678 when pipes are asked for too (their
 * inodes come from the same counter); 0 for anything else. */
static uint64_t link_inode(const char *link, ssize_t len, bool pipes, bool *is_socket)
{
	uint64_t ino = 0;
	ssize_t at;

	if (len >= 10 && memcmp(link, "socket:[", 8) == 0)
		at = 8, *is_socket = true;
	else if (pipes && len >= 8 && memcmp(link, "pipe:[", 6) == 0)
		at = 6, *is_socket = false;
	else
		return 0;
	for (ssize_t i = at; i < len && link[i] != ']'; i++) {
		if (link[i] < '0' || link[i] > '9')
			return 0;
		ino = ino * 10 + (uint64_t)(link[i] - '0');
	}
	return ino;
}

static struct ew_scan_target *find_target(struct scanner *s, uint64_t inode)
{
	size_t lo = 0, hi = s->n_targets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->targets[mid].inode < inode)
			lo = mid + 1;
		else if (s->targets[mid].inode > inode)
			hi = mid;
		else
			return &s->targets[mid];
	}
	return NULL;
}

static int add_hit(struct scanner *s, int pid, uint64_t inode)
{
	struct ew_scan_result *res = s->res;

	if (res->n_hits == s->hits_cap) {
		size_t cap = s->hits_cap ? s->hits_cap * 2 : 8;
		struct ew_scan_hit *p = realloc(res->hits, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		res->hits = p;
		s->hits_cap = cap;
	}
	res->hits[res->n_hits++] = (struct ew_scan_hit){.pid = pid, .inode = inode};
	return 0;
}

/* Whether the walk running now should take no more processes. Called under lock. */
static bool walk_over(const struct scanner *s)
{
	return s->error || (!s->all && (s->unresolved == 0 || (s->want && s->want->n_found)));
}

static void note_hit(struct scanner *s, struct ew_scan_target *t, int pid)
{
	pthread_mutex_lock(&s->lock);
	if (t->n_found++ == 0)
		s->unresolved--;
	if (add_hit(s, pid, t->inode) < 0)
		s->error = -ENOMEM;
	if (walk_over(s))
		atomic_store(&s->stop, true);
	pthread_mutex_unlock(&s->lock);
}

static void note_unreadable(struct scanner *s, int pid)
{
	int *p;

	pthread_mutex_lock(&s->lock);
	/* The pids let --kill tell a hidden master from an unrelated process it cannot read. */
	p = realloc(s->res->unreadable_pids, (s->res->unreadable + 1) * sizeof(*p));
	if (p) {
		p[s->res->unreadable] = pid;
		s->res->unreadable_pids = p;
		s->res->unreadable++;
	} else {
		s->error = -ENOMEM;
	}
	pthread_mutex_unlock(&s->lock);
}

/* The fd entries are read with getdents64 straight into a stack buffer and each link with
 * readlinkat relative to the fd directory: no stdio, no allocation, one path component per
 * lookup. This loop is the whole cost of a scan. */
/* Reads the links of the fd directory fd on behalf of c, records the targets found and, with
 * remember, c's first inodes. Returns whether the links were denied: the directory opens for
 * a process of our uid, but each link is checked for ptrace access, which a process with
 * capabilities we lack (or not dumpable) refuses; the check is the same for every fd, so
 * the first denial tells for all. */
static bool read_fds(struct scanner *s, struct cand *c, int fd, bool remember)
{
	char dents[16384], link[64];

	for (;;) {
		long n = syscall(SYS_getdents64, fd, dents, sizeof(dents));

		if (n <= 0)
			return n < 0 && (errno == EACCES || errno == EPERM);
		for (long off = 0; off < n;) {
			struct ew_dirent64 *d = (struct ew_dirent64 *)(dents + off);
			ssize_t len;
			uint64_t ino;
			bool is_socket;
			struct ew_scan_target *t;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			len = readlinkat(fd, d->d_name, link, sizeof(link) - 1);
			if (len < 0 && (errno == EACCES || errno == EPERM))
				return true;
			if (len <= 0)
				continue;
			ino = link_inode(link, len, true, &is_socket);
			if (!ino)
				continue;
			if (remember && c->n_inodes < CAND_INODES)
				c->inodes[c->n_inodes++] = ino;
			if (is_socket && (t = find_target(s, ino)))
				note_hit(s, t, c->pid);
		}
	}
}

/* Reads every fd link of c. A process counts as unreadable once, whether its fd directory
 * or its links were refused: either way it may hold a socket we cannot see. */
static void scan_cand(struct scanner *s, struct cand *c)
{
	char path[32];
	int fd;

	c->done = true;
	snprintf(path, sizeof(path), "%d/fd", c->pid);
	fd = openat(s->proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			note_unreadable(s, c->pid);
		return; /* ENOENT: it exited; nothing to hold */
	}
	if (read_fds(s, c, fd, true))
		note_unreadable(s, c->pid);
	close(fd);
}

/* Reads the fd tables of c's other threads that do not share the process's: a thread that
 * called unshare(CLONE_FILES) has its own table, and /proc/PID/fd shows the main thread's
 * only. kcmp(KCMP_FILES) tells which threads share it (where the kernel has kcmp and lets
 * us; else each thread is read). Only asked for when a complete pass left a target without
 * a holder, so the common case pays nothing for it. */
static void scan_tasks(struct scanner *s, struct cand *c)
{
	char path[40];
	struct dirent *e;
	DIR *dir;
	int fd;

	snprintf(path, sizeof(path), "%d/task", c->pid);
	fd = openat(s->proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while (!atomic_load(&s->stop) && (e = readdir(dir))) {
		char *end;
		long tid = strtol(e->d_name, &end, 10);
		int tfd;

		if (*end || tid <= 0 || tid == c->pid)
			continue;
		if (syscall(SYS_kcmp, (pid_t)c->pid, (pid_t)tid, KCMP_FILES, 0UL, 0UL) == 0)
			continue;
		snprintf(path, sizeof(path), "%ld/fd", tid);
		tfd = openat(dirfd(dir), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tfd < 0)
			continue;
		read_fds(s, c, tfd, false);
		close(tfd);
	}
	closedir(dir);
}

/* One walk over a list of candidates, shared by the threads that read it. */
struct walk {
	struct scanner *s;
	const size_t *order; /* indices into cands, each once */
	size_t n;
	void (*read)(struct scanner *, struct cand *);
	atomic_size_t next;
};

static void *walk_thread(void *arg)
{
	struct walk *w = arg;
	size_t i;

	while (!atomic_load(&w->s->stop) && (i = atomic_fetch_add(&w->next, 1)) < w->n)
		w->read(w->s, &w->s->cands[w->order[i]]);
	return NULL;
}

/* Reads the candidates of order (none read yet) in that order, on two threads when there are
 * many and two CPUs: each thread takes the next index in turn, so the order holds to within
 * one process, and both stop taking once want has a holder (every target, when want is
 * NULL), unless the scan reads everything. Reading /proc is CPU work in the kernel (path
 * lookups, d_path for each link), so a second CPU halves a long walk; more threads than two
 * were not measured to help on the machines this was tried on. */
static void walk(struct scanner *s, const size_t *order, size_t n, struct ew_scan_target *want,
		 void (*read)(struct scanner *, struct cand *))
{
	struct walk w = {.s = s, .order = order, .n = n, .read = read};
	pthread_t helper;
	bool two;

	atomic_init(&w.next, 0);
	s->want = want;
	atomic_store(&s->stop, walk_over(s));
	two = n >= PARALLEL_MIN && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	      pthread_create(&helper, NULL, walk_thread, &w) == 0;
	walk_thread(&w);
	if (two)
		pthread_join(helper, NULL);
}

/* Puts the candidates in the order they were created, as far as pids tell: pids are handed
 * out in a circle, and errwhy's own is the newest, so those above it are older than those
 * below it (they were taken before the counter wrapped). */
static int rotate_by_age(struct scanner *s)
{
	int self = getpid();
	size_t split = 0;
	struct cand *rotated;

	while (split < s->n_cands && s->cands[split].pid <= self)
		split++;
	if (split == 0 || split == s->n_cands)
		return 0;
	rotated = malloc(s->n_cands * sizeof(*rotated));
	if (!rotated)
		return -ENOMEM;
	memcpy(rotated, s->cands + split, (s->n_cands - split) * sizeof(*rotated));
	memcpy(rotated + (s->n_cands - split), s->cands, split * sizeof(*rotated));
	free(s->cands);
	s->cands = rotated;
	return 0;
}

/* Lists the processes: the numeric entries of /proc. */
static int list_procs(struct scanner *s)
{
	int fd = openat(s->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir;
	struct dirent *e;
	size_t cap = 0;

	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(dir))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		if (s->n_cands == cap) {
			struct cand *p;
			cap = cap ? cap * 2 : 512;
			p = realloc(s->cands, cap * sizeof(*p));
			if (!p) {
				closedir(dir);
				return -ENOMEM;
			}
			s->cands = p;
		}
		s->cands[s->n_cands++] = (struct cand){.pid = (int)pid};
	}
	closedir(dir);
	if (s->n_cands)
		qsort(s->cands, s->n_cands, sizeof(*s->cands), cmp_cand_pid);
	return rotate_by_age(s);
}

/* Scans the not yet read candidate nearest to index mid inside [lo, hi]; false if none. */
static bool scan_nearest(struct scanner *s, const size_t *group, size_t lo, size_t hi,
			 size_t mid, size_t *at)
{
	for (size_t d = 0; d <= hi - lo; d++) {
		size_t cands[2] = {mid + d, mid - d};
		for (int k = 0; k < (d ? 2 : 1); k++) {
			size_t j = cands[k];
			if (j < lo || j > hi || (k == 1 && d > mid))
				continue;
			if (!s->cands[group[j]].done) {
				scan_cand(s, &s->cands[group[j]]);
				*at = j;
				return true;
			}
		}
	}
	return false;
}

/* Which way from c, in order of age, the creator of inode t probably is: +1 later, -1
 * earlier, 0 no telling. Inodes come from get_next_ino(): each CPU hands out numbers one by
 * one from its own batch of 1024, and the batches are taken in turn. Two inodes of one batch
 * were made in the order of their numbers: a strong vote. Inodes of different batches are
 * roughly in order: a weak vote. Each of c's inodes votes, so the few it inherited from an
 * older parent are outvoted by those it made itself. */
static int direction(const struct cand *c, uint64_t t)
{
	long votes = 0;

	for (uint8_t i = 0; i < c->n_inodes; i++) {
		long weight = c->inodes[i] >> 10 == t >> 10 ? 4 : 1;
		if (c->inodes[i] < t)
			votes += weight;
		else if (c->inodes[i] > t)
			votes -= weight;
	}
	return (votes > 0) - (votes < 0);
}

/* The guided walk for one target inside one group (indices into cands, by age).
 * Pids mostly grow with time, and so do inode numbers, so a process's own socket and pipe
 * inodes tell on which side of it the creator of the target is likely to be: a binary search
 * over processes. A probe that tells nothing is followed by its nearest neighbour.
 *
 * The search finds the socket's era, where its creator is. But the holder is often not the
 * creator: a socket outlives the process that made it in the processes that inherited it,
 * and an inheritor is younger than the socket, anywhere from its era to now. Prefork servers
 * bind and then fork workers, and restart them as they age; a service manager binds at boot
 * and starts the service on demand; a daemon forks away from its parent. The longer the
 * socket has lived, the more likely its holders are younger workers, and no evidence in a
 * process's fds tells which (an inherited fd carries its old inode). So after the search the
 * walk takes three fronts in turn: outward from the era (later, then earlier: the creator,
 * or an old process that opened the port lately), and down from the youngest process (the
 * inheritors). Whichever front is right, the walk reads at most three times what that front
 * alone would; the order only decides how soon the holder comes: no candidate is skipped. */
static void guided(struct scanner *s, const size_t *group, size_t n, struct ew_scan_target *t,
		   size_t *order)
{
	size_t lo = 0, hi = n - 1, at = n / 2, m = 0;
	long up, down, young;

	while (!t->n_found && !s->error && lo <= hi) {
		size_t mid = lo + (hi - lo) / 2, j;
		int d;

		if (!scan_nearest(s, group, lo, hi, mid, &j))
			break;
		at = j;
		if (t->n_found)
			break;
		d = direction(&s->cands[group[j]], t->inode);
		if (d > 0) {
			lo = j + 1;
		} else if (d < 0) {
			if (j == 0)
				break;
			hi = j - 1;
		}
	}
	if (t->n_found || s->error)
		return;
	/* The fronts never overlap: young stops above up, and down starts below both. */
	up = (long)at;
	down = (long)at - 1;
	young = (long)n - 1;
	while (up <= young || down >= 0) {
		if (up <= young && !s->cands[group[up]].done)
			order[m++] = group[up];
		up += up <= young;
		if (down >= 0 && !s->cands[group[down]].done)
			order[m++] = group[down];
		down -= down >= 0;
		if (young >= up && !s->cands[group[young]].done)
			order[m++] = group[young];
		young -= young >= up;
	}
	walk(s, order, m, t, scan_cand);
}

/* Reads the owner of each /proc/PID: the process's effective uid, unless it is not dumpable. */
static void read_uids(struct scanner *s)
{
	char name[16];
	struct stat st;

	for (size_t i = 0; i < s->n_cands; i++) {
		snprintf(name, sizeof(name), "%d", s->cands[i].pid);
		s->cands[i].uid = fstatat(s->proc_fd, name, &st, 0) == 0 ? st.st_uid : UINT32_MAX;
	}
}

/* The processes of the target's cgroup, by age, into group; 0 when the cgroup tells nothing
 * (unknown, gone, the root, or most processes). The cgroup of a socket is its creator's when
 * it was made; in a machine of services each has its own, a few processes of the hundreds. */
static size_t cgroup_group(struct scanner *s, uint64_t id, uint64_t *cached, int **pids,
			   size_t *n_pids, size_t *group)
{
	size_t n = 0;

	if (id == 0)
		return 0;
	if (id != *cached) {
		free(*pids);
		*cached = id;
		if (ew_cgroup_pids_by_id(id, pids, n_pids) < 0)
			*n_pids = 0; /* a hint only: without it the walk is longer, no less right */
	}
	if (*n_pids == 0 || *n_pids > s->n_cands / 2)
		return 0;
	for (size_t k = 0; k < s->n_cands; k++)
		if (bsearch(&s->cands[k].pid, *pids, *n_pids, sizeof(**pids), cmp_int))
			group[n++] = k;
	return n;
}

/* For each target without a holder: its cgroup, then its uid, then every process. */
static void find_early(struct scanner *s)
{
	size_t cap = s->n_cands ? s->n_cands : 1;
	size_t *group = malloc(cap * sizeof(*group)), *order = malloc(cap * sizeof(*order));
	int *cg_pids = NULL;
	size_t n_cg = 0;
	uint64_t cg_id = 0;
	bool by_uid = false;

	if (!group || !order) {
		s->error = -ENOMEM;
		goto out;
	}
	/* The uid of the socket narrows the search when it is not root's, whose processes are
	 * most of a machine; reading the owners costs one stat per process. */
	for (size_t i = 0; i < s->n_targets; i++)
		if (s->targets[i].uid != 0)
			by_uid = true;
	if (by_uid)
		read_uids(s);
	for (size_t i = 0; i < s->n_targets && s->unresolved && !s->error; i++) {
		struct ew_scan_target *t = &s->targets[i];
		size_t n;

		if (t->n_found)
			continue;
		n = cgroup_group(s, t->cgroup_id, &cg_id, &cg_pids, &n_cg, group);
		if (n)
			guided(s, group, n, t, order);
		if (t->n_found || s->error)
			continue;
		n = 0;
		if (by_uid) {
			for (size_t k = 0; k < s->n_cands; k++)
				if (s->cands[k].uid == t->uid)
					group[n++] = k;
			if (n)
				guided(s, group, n, t, order);
		}
		if (t->n_found || s->error)
			continue;
		for (n = 0; n < s->n_cands; n++)
			group[n] = n;
		if (n)
			guided(s, group, n, t, order);
	}
out:
	free(cg_pids);
	free(group);
	free(order);
}

/* Every candidate not read yet, by age, into order. */
static size_t unread(const struct scanner *s, size_t *order)
{
	size_t m = 0;

	for (size_t k = 0; k < s->n_cands; k++)
		if (!s->cands[k].done)
			order[m++] = k;
	return m;
}

int ew_scan_holders(struct ew_scan_target *targets, size_t n, bool all,
		    struct ew_scan_result *res)
{
	struct scanner s = {.targets = targets, .n_targets = n, .res = res, .all = all};
	struct statfs fs;
	size_t *order = NULL;
	int r;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < n; i++)
		targets[i].n_found = 0;
	if (n)
		qsort(targets, n, sizeof(*targets), cmp_target);
	s.unresolved = n;
	if (n == 0) {
		res->complete = true;
		return 0;
	}
	s.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.proc_fd < 0)
		return -errno;
	/* An unmounted /proc is an empty directory: no process would be found, and the answer
	 * "no holder" would be false. Only procfs itself tells. */
	if (fstatfs(s.proc_fd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC) {
		close(s.proc_fd);
		return -ENOENT;
	}
	pthread_mutex_init(&s.lock, NULL);
	atomic_init(&s.stop, false);
	r = list_procs(&s);
	if (r < 0)
		goto out;
	order = malloc((s.n_cands ? s.n_cands : 1) * sizeof(*order));
	if (!order) {
		r = -ENOMEM;
		goto out;
	}
	if (all)
		walk(&s, order, unread(&s, order), NULL, scan_cand);
	else
		find_early(&s);
	res->complete = unread(&s, order) == 0;
	for (size_t k = 0; k < s.n_cands; k++)
		res->n_read += s.cands[k].done;
	/* Every process read and still a target without a holder: a thread's own fd table. */
	if (res->complete && s.unresolved && !s.error) {
		for (size_t k = 0; k < s.n_cands; k++)
			order[k] = k;
		walk(&s, order, s.n_cands, NULL, scan_tasks);
	}
	r = s.error;
out:
	free(order);
	free(s.cands);
	close(s.proc_fd);
	pthread_mutex_destroy(&s.lock);
	if (r < 0)
		ew_scan_result_free(res);
	return r;
}

void ew_scan_result_free(struct ew_scan_result *res)
{
	free(res->hits);
	free(res->unreadable_pids);
	res->hits = NULL;
	res->unreadable_pids = NULL;
	res->n_hits = 0;
}

int ew_proc_holds(int pid, const uint64_t *inodes, size_t n)
{
	char path[40], link[64];
	DIR *dir;
	struct dirent *e;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while (!found && (e = readdir(dir))) {
		ssize_t len = readlinkat(dirfd(dir), e->d_name, link, sizeof(link) - 1);
		bool is_socket;
		uint64_t ino = len > 0 ? link_inode(link, len, false, &is_socket) : 0;

		if (ino && bsearch(&ino, inodes, n, sizeof(*inodes), cmp_u64))
			found = 1;
	}
	closedir(dir);
	return found;
}
