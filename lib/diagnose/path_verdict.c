/* path_verdict.c: what the operation meets once the walk got through, in the order the kernel
 * checks it (may_open(), inode_permission(), may_delete(), do_renameat2()), and which
 * read-only call can confirm it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "path.h"

#define MAX_EXECUTORS 4

int ew_path_check_add(struct ew_path_checks *k, enum ew_path_check_kind kind, const char *path,
		      int mode, bool nofollow, int expect)
{
	struct ew_path_check *c;

	if (k->n == EW_PATH_MAX_CHECKS)
		return 0;
	c = &k->c[k->n];
	*c = (struct ew_path_check){.kind = kind, .mode = mode, .nofollow = nofollow,
				    .expect = expect, .got = -1};
	if (!(c->path = strdup(path)))
		return -ENOMEM;
	k->n++;
	return 0;
}

void ew_path_checks_free(struct ew_path_checks *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->c[i].path);
	k->n = 0;
}

struct judge {
	struct ew_path_report *r;
	const struct ew_path_user *u;
	struct ew_path_checks *k;
	char who[128];
};

/* EROFS: the kernel refuses writes on a read-only mount to files, directories and symlinks
 * (sb_permission()), not to devices, FIFOs and sockets, which write elsewhere. */
static bool read_only(struct judge *j, const struct ew_path_component *c)
{
	char words[96];

	if (!c->mount || !c->mount->ro || !(S_ISREG(c->mode) || S_ISDIR(c->mode) || S_ISLNK(c->mode)))
		return false;
	ew_path_mount_words(c->mount, words, sizeof(words));
	ew_path_set_verdict(j->r, EROFS, c->path, "%s is mounted read-only (%s)", c->mount->target,
			    words);
	return true;
}

static bool immutable(struct judge *j, const struct ew_path_component *c)
{
	if (!c->immutable)
		return false;
	ew_path_set_verdict(j->r, EPERM, c->path, "%s has the immutable attribute (chattr +i, "
			    "lsattr shows it): no one, root included, may change, rename or "
			    "delete it", c->path);
	return true;
}

/* The permission check of want on c; false with the verdict set when it is denied. */
static bool permitted(struct judge *j, const struct ew_path_component *c, unsigned want,
		      const char *what)
{
	struct ew_path_access a;

	ew_path_check_perm(c, j->u, want, &a);
	if (a.allowed)
		return true;
	ew_path_set_denied(j->r, c, j->u, what, &a);
	return false;
}

/* statvfs of path: ENOSPC when no byte is left for the user (for root: the reserve too), or
 * with inodes, no inode. */
static bool no_space(struct judge *j, const struct ew_path_component *c, bool inodes)
{
	struct statvfs sv;
	const char *where = c->mount ? c->mount->target : c->path;

	if (statvfs(c->path, &sv) < 0)
		return false;
	if (inodes && sv.f_files > 0 && sv.f_favail == 0) {
		ew_path_set_verdict(j->r, ENOSPC, c->path, "%s has 0 inodes free (of %llu): no new "
				    "file can be made there until one is deleted", where,
				    (unsigned long long)sv.f_files);
		return true;
	}
	if (inodes || sv.f_blocks == 0)
		return false;
	if (j->u->uid == 0 && sv.f_bfree == 0) {
		ew_path_set_verdict(j->r, ENOSPC, c->path, "%s has 0 bytes free, the reserve for "
				    "root included", where);
		return true;
	}
	if (j->u->uid != 0 && sv.f_bavail == 0) {
		unsigned pct = (unsigned)((sv.f_bfree * 100 + sv.f_blocks / 2) / sv.f_blocks);
		if (sv.f_bfree == 0)
			ew_path_set_verdict(j->r, ENOSPC, c->path, "%s has 0 bytes free for %s (and "
					    "none reserved for root)", where, j->who);
		else
			ew_path_set_verdict(j->r, ENOSPC, c->path, "%s has 0 bytes free for %s (%u%% "
					    "reserved for root, which root could still use)", where,
					    j->who, pct ? pct : 1);
		return true;
	}
	return false;
}

/* ETXTBSY: a file being executed may not be opened for writing (deny_write_access()). */
static bool text_busy(struct judge *j, const struct ew_path_component *c)
{
	int pids[MAX_EXECUTORS];
	char comms[MAX_EXECUTORS][17], list[256] = "";
	struct stat st;
	size_t n, at = 0;

	if (!S_ISREG(c->mode) || !(c->mode & 0111) || stat(c->path, &st) < 0)
		return false;
	n = ew_path_executors(st.st_dev, st.st_ino, pids, comms, MAX_EXECUTORS);
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(list + at, sizeof(list) - at, "%spid %d (%s)", i ? ", " : "",
				 pids[i], comms[i]);
		if (w > 0 && (size_t)w < sizeof(list) - at)
			at += (size_t)w;
	}
	if (n)
		ew_path_set_verdict(j->r, ETXTBSY, c->path, "%s is being executed by %s", c->path,
				    list);
	return n > 0;
}

static int judge_read(struct judge *j, const struct ew_path_component *c, bool list)
{
	if (list && !S_ISDIR(c->mode)) {
		ew_path_set_verdict(j->r, ENOTDIR, c->path, "%s is a %s, not a directory: only a "
				    "directory can be listed", c->path, ew_path_type_words(c->mode));
		return ew_path_check_add(j->k, EW_CHECK_OPEN, c->path, 0, false, 0);
	}
	if (!list && S_ISDIR(c->mode)) {
		ew_path_set_verdict(j->r, EISDIR, c->path, "%s is a directory: open(O_RDONLY) "
				    "succeeds, but read(2) fails; list it instead (--for list)",
				    c->path);
		return ew_path_check_add(j->k, EW_CHECK_OPEN, c->path, 0, false, 0);
	}
	if (!permitted(j, c, EW_PATH_R, "read"))
		return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, R_OK, false, EACCES);
	return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, R_OK, false, 0);
}

static int judge_write(struct judge *j, const struct ew_path_component *c)
{
	if (S_ISDIR(c->mode)) {
		ew_path_set_verdict(j->r, EISDIR, c->path, "%s is a directory: it cannot be "
				    "opened for writing", c->path);
		return ew_path_check_add(j->k, EW_CHECK_OPEN, c->path, 0, false, 0);
	}
	if (read_only(j, c) || immutable(j, c))
		return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, W_OK, false,
					 j->r->verdict);
	if (!permitted(j, c, EW_PATH_W, "write"))
		return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, W_OK, false, EACCES);
	if (c->append_only)
		ew_path_set_verdict(j->r, EPERM, c->path, "%s has the append-only attribute "
				    "(chattr +a): it opens for writing only with O_APPEND (>>), and "
				    "never truncated", c->path);
	else if (!text_busy(j, c))
		no_space(j, c, false);
	return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, W_OK, false, 0);
}

static int judge_exec(struct judge *j, const struct ew_path_component *c)
{
	char words[96];

	if (!S_ISREG(c->mode)) {
		ew_path_set_verdict(j->r, EACCES, c->path, "%s is a %s: only a regular file can be "
				    "executed", c->path, ew_path_type_words(c->mode));
		return ew_path_check_add(j->k, EW_CHECK_OPEN, c->path, 0, false, 0);
	}
	if (c->mount && c->mount->noexec) {
		ew_path_mount_words(c->mount, words, sizeof(words));
		ew_path_set_verdict(j->r, EACCES, c->path, "%s is on %s, mounted noexec (%s): "
				    "nothing on it may be executed, whatever its mode", c->path,
				    c->mount->target, words);
		return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, X_OK, false, EACCES);
	}
	if (!permitted(j, c, EW_PATH_X, "execute"))
		return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, X_OK, false, EACCES);
	return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, X_OK, false, 0);
}

static int judge_search(struct judge *j, const struct ew_path_component *c)
{
	if (!S_ISDIR(c->mode)) {
		ew_path_set_verdict(j->r, ENOTDIR, c->path, "%s is a %s, not a directory", c->path,
				    ew_path_type_words(c->mode));
		return ew_path_check_add(j->k, EW_CHECK_OPEN, c->path, 0, false, 0);
	}
	if (!permitted(j, c, EW_PATH_X, "search"))
		return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, X_OK, false, EACCES);
	return ew_path_check_add(j->k, EW_CHECK_ACCESS, c->path, X_OK, false, 0);
}

/* Writing a name into a directory: create, delete, rename (may_create(), may_delete()). */
static bool dir_writable(struct judge *j, const struct ew_path_component *dir)
{
	return !read_only(j, dir) && !immutable(j, dir) &&
	       permitted(j, dir, EW_PATH_W | EW_PATH_X, "write");
}

static int dir_check(struct judge *j, const struct ew_path_component *dir)
{
	int expect = j->r->verdict == EROFS || j->r->verdict == EACCES ||
				     (j->r->verdict == EPERM && dir->immutable)
			     ? j->r->verdict : 0;
	return ew_path_check_add(j->k, EW_CHECK_ACCESS, dir->path, W_OK | X_OK, false, expect);
}

static int judge_create(struct judge *j, const struct ew_path_walk *w)
{
	const struct ew_path_component *dir = &j->r->components[w->parent];

	if (w->target != EW_PATH_NONE) {
		const struct ew_path_component *c = &j->r->components[w->target];
		ew_path_set_verdict(j->r, EEXIST, c->path, "%s already exists (a %s)", c->path,
				    ew_path_type_words(c->mode));
		return ew_path_check_add(j->k, EW_CHECK_OPEN, c->path, 0, true, 0);
	}
	if (dir_writable(j, dir))
		no_space(j, dir, true);
	return dir_check(j, dir);
}

/* Writing a file that does not exist yet: creating it (the directory's checks, an inode),
 * then its first bytes (a block). */
static int judge_write_new(struct judge *j, const struct ew_path_walk *w)
{
	const struct ew_path_component *dir = &j->r->components[w->parent];

	if (dir_writable(j, dir) && !no_space(j, dir, true))
		no_space(j, dir, false);
	return dir_check(j, dir);
}

/* The sticky bit (inode(7)): in such a directory only the owner of the file, the owner of the
 * directory, or root (CAP_FOWNER) may delete or rename a file. */
static bool sticky(struct judge *j, const struct ew_path_component *dir,
		   const struct ew_path_component *c)
{
	char mode[11];

	if (!(dir->mode & S_ISVTX) || j->u->uid == 0 || j->u->uid == c->uid ||
	    j->u->uid == dir->uid)
		return false;
	ew_path_mode_string(dir->mode, mode);
	ew_path_set_verdict(j->r, EPERM, dir->path, "%s (%s %s %s) has the sticky bit: only the "
			    "owner of %s (%s), the owner of the directory (%s) or root may delete "
			    "or rename it, not %s", dir->path, mode, dir->owner ? dir->owner : "?",
			    dir->group ? dir->group : "?", c->path, c->owner ? c->owner : "?",
			    dir->owner ? dir->owner : "?", j->who);
	return true;
}

/* What stands in the way of removing c's name from dir, after the directory's own checks. */
static void removable(struct judge *j, const struct ew_path_component *dir,
		      const struct ew_path_component *c)
{
	if (dir->append_only)
		ew_path_set_verdict(j->r, EPERM, dir->path, "%s has the append-only attribute "
				    "(chattr +a): names may be added to it, never removed", dir->path);
	else if (sticky(j, dir, c) || immutable(j, c))
		return;
	else if (c->append_only)
		ew_path_set_verdict(j->r, EPERM, c->path, "%s has the append-only attribute "
				    "(chattr +a): it may not be deleted or renamed", c->path);
	else if (c->mount_root)
		ew_path_set_verdict(j->r, EBUSY, c->path, "%s is a mount point (%s); unmount it "
				    "first", c->path, c->mount ? c->mount->fstype : "?");
}

static int judge_delete(struct judge *j, const struct ew_path_walk *w)
{
	const struct ew_path_component *c = &j->r->components[w->target], *dir;

	if (w->parent == EW_PATH_NONE && strcmp(c->path, "/") == 0) {
		ew_path_set_verdict(j->r, EBUSY, c->path, "/ is the root of the file system; it "
				    "cannot be deleted");
		return 0;
	}
	if (w->parent == EW_PATH_NONE) {
		ew_path_set_verdict(j->r, EINVAL, c->path, "the last component of %s is \".\": "
				    "rmdir(2) and rename(2) refuse it", j->r->path);
		return 0;
	}
	dir = &j->r->components[w->parent];
	if (dir_writable(j, dir))
		removable(j, dir, c);
	return dir_check(j, dir);
}

static int judge_rename(struct judge *j, const struct ew_path_walk *w,
			const struct ew_path_walk *dest)
{
	const struct ew_path_component *dir = &j->r->components[w->parent], *to_dir, *c;

	if (w->parent == EW_PATH_NONE || dest->parent == EW_PATH_NONE)
		return judge_delete(j, w);
	to_dir = &j->r->components[dest->parent];
	c = &j->r->components[w->target];
	if (dir->mount && to_dir->mount && dir->mount->id != to_dir->mount->id) {
		ew_path_set_verdict(j->r, EXDEV, to_dir->path, "%s and %s are different mounts; use "
				    "copy + delete (mv does this for you)", dir->mount->target,
				    to_dir->mount->target);
		return ew_path_check_add(j->k, EW_CHECK_OPEN, c->path, 0, true, 0);
	}
	if (dir_writable(j, dir) && dir_writable(j, to_dir))
		removable(j, dir, c);
	if (j->r->verdict && j->r->component && strcmp(j->r->component, to_dir->path) == 0)
		return dir_check(j, to_dir);
	return dir_check(j, dir);
}

int ew_path_judge(struct ew_path_report *r, const struct ew_path_user *u,
		  const struct ew_path_mounts *m, const struct ew_path_walk *w,
		  const struct ew_path_walk *dest, struct ew_path_checks *k)
{
	struct judge j = {.r = r, .u = u, .k = k};
	const struct ew_path_component *c =
		w->target != EW_PATH_NONE ? &r->components[w->target] : NULL;

	static const char *const verbs[] = {"read", "write", "create", "delete", "execute",
					    "list", "search", "rename"};
	int e = -EINVAL;

	char short_who[64];

	(void)m;
	ew_path_user_words(u, j.who, sizeof(j.who));
	if (u->name)
		snprintf(short_who, sizeof(short_who), "%s", u->name);
	else
		snprintf(short_who, sizeof(short_who), "uid %u", u->uid);
	switch (r->op) {
	case EW_PATH_READ: e = judge_read(&j, c, false); break;
	case EW_PATH_LIST: e = judge_read(&j, c, true); break;
	case EW_PATH_WRITE: e = c ? judge_write(&j, c) : judge_write_new(&j, w); break;
	case EW_PATH_EXEC: e = judge_exec(&j, c); break;
	case EW_PATH_SEARCH: e = judge_search(&j, c); break;
	case EW_PATH_CREATE: e = judge_create(&j, w); break;
	case EW_PATH_DELETE: e = judge_delete(&j, w); break;
	case EW_PATH_RENAME: e = judge_rename(&j, w, dest); break;
	}
	if (e == 0 && r->verdict == 0)
		ew_path_set_verdict(r, 0, NULL, "%s can %s %s%s%s", short_who, verbs[r->op], r->path,
				    r->rename_to ? " to " : "", r->rename_to ? r->rename_to : "");
	return e;
}
