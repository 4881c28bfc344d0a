/* cgroup_id.c: the processes of a cgroup v2 named by its id, the number sock_diag gives for the
 * cgroup of a socket's creator (INET_DIAG_CGROUP_ID); the /proc scan reads them first. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "diagnose.h"

/* How many cgroup directories the walk reads at most before giving up: a hint is not worth
 * more than a fraction of the scan it shortens. Measured on a 2-CPU KVM guest under load:
 * the handle costs ~0.15 ms, the walk ~75 us a directory (each lists its ~30 interface
 * files), 22 ms for 300 cgroups; 128 bound it near 10 ms. */
#define WALK_MAX_DIRS 128
#define WALK_MAX_DEPTH 32

/* The cgroup v2 hierarchy: /sys/fs/cgroup, or /sys/fs/cgroup/unified beside v1 controllers. */
static int open_hierarchy(void)
{
	static const char *const paths[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		struct statfs sf;
		int fd = open(paths[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			continue;
		if (fstatfs(fd, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/* Opens the cgroup directly: kernfs hands out a cgroup's 64-bit id as its file handle. That
 * encoding is checked on the hierarchy's root (whose handle must be its own inode number)
 * rather than assumed. open_by_handle_at needs CAP_DAC_READ_SEARCH: -EPERM without. */
static int open_by_id(int root, uint64_t id)
{
	_Alignas(struct file_handle) char buf[sizeof(struct file_handle) + 16];
	struct file_handle *fh = (struct file_handle *)buf;
	struct stat st;
	uint64_t own;
	int mount_id, fd;

	fh->handle_bytes = 16;
	if (name_to_handle_at(root, "", fh, &mount_id, AT_EMPTY_PATH) < 0)
		return -errno;
	if (fh->handle_bytes != sizeof(id) || fstat(root, &st) < 0)
		return -EOPNOTSUPP;
	memcpy(&own, fh->f_handle, sizeof(own));
	if (own != st.st_ino)
		return -EOPNOTSUPP;
	memcpy(fh->f_handle, &id, sizeof(id));
	fd = open_by_handle_at(root, fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Without the capability: a depth-first walk over the directories, matching their d_ino
 * (a cgroup directory's inode number is its id), so no directory is stat()ed. */
static int walk(int dir, uint64_t id, int depth, unsigned *budget)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;
	int found = -ENOENT;

	if (!d) {
		close(dir);
		return -ENOENT;
	}
	while (found < 0 && (e = readdir(d))) {
		int sub;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (e->d_ino != id && (depth >= WALK_MAX_DEPTH || *budget == 0))
			continue;
		sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0)
			continue;
		if (e->d_ino == id) {
			found = sub;
		} else {
			--*budget;
			found = walk(sub, id, depth + 1, budget);
		}
	}
	closedir(d);
	return found;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Reads cgroup.procs of the cgroup directory dir: one pid a line. */
static int read_procs(int dir, int **pids, size_t *n)
{
	int fd = openat(dir, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	char buf[4096];
	size_t cap = 0;
	long cur = -1;
	ssize_t len;

	if (fd < 0)
		return -errno;
	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < len; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				cur = (cur < 0 ? 0 : cur * 10) + (buf[i] - '0');
				continue;
			}
			if (cur <= 0 || cur > 0x7fffffff) {
				cur = -1;
				continue;
			}
			if (*n == cap) {
				int *p;
				cap = cap ? cap * 2 : 64;
				p = realloc(*pids, cap * sizeof(*p));
				if (!p) {
					close(fd);
					return -ENOMEM;
				}
				*pids = p;
			}
			(*pids)[(*n)++] = (int)cur;
			cur = -1;
		}
	}
	close(fd);
	if (len < 0)
		return -errno;
	if (*n)
		qsort(*pids, *n, sizeof(**pids), cmp_int);
	return 0;
}

int ew_cgroup_pids_by_id(uint64_t id, int **pids, size_t *n)
{
	struct stat st;
	unsigned budget = WALK_MAX_DIRS;
	int root, dir, r;

	*pids = NULL;
	*n = 0;
	if (id == 0)
		return -ENOENT;
	root = open_hierarchy();
	if (root < 0)
		return root;
	/* The root holds every process not placed elsewhere: it tells nothing. */
	if (fstat(root, &st) == 0 && st.st_ino == id) {
		close(root);
		return 0;
	}
	dir = open_by_id(root, id);
	if (dir < 0 && dir != -ESTALE) {
		int top = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		dir = top < 0 ? -errno : walk(top, id, 0, &budget);
	}
	close(root);
	if (dir < 0)
		return dir == -ESTALE ? -ENOENT : dir;
	r = read_procs(dir, pids, n);
	close(dir);
	if (r < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
	}
	return r;
}
