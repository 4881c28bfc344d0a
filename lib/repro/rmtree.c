/* rmtree.c: removes a reproduction's private directory after its child is gone. A body may
 * have taken permissions away (EACCES needs a directory without them), left symbolic links to
 * anywhere, or mounts: the walk gives permissions back to its own directories only, never
 * follows a link and never crosses into another mount. */
#include <ftw.h>

#include "child.h"

#define OPEN_FDS 16
/* A body makes a few levels; each pass over the tree opens at least one more of them. */
#define PASSES_MAX 64

/* nftw() takes no context pointer: the state of one walk, per thread. */
static _Thread_local struct {
	int unreadable;  /* directories met that could not be read */
	int changed;     /* directories whose permissions were given back */
	int error;       /* the first failed removal, -errno */
} walk;

/* Gives the owner rwx on a directory nftw's lstat saw. AT_SYMLINK_NOFOLLOW: the name is looked
 * up again, and a link put in its place is refused, not followed (glibc does it through
 * O_PATH, which also works on a directory its owner may not read). */
static int open_up(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)f;
	if ((type == FTW_D || type == FTW_DNR) && (st->st_mode & S_IRWXU) != S_IRWXU &&
	    fchmodat(AT_FDCWD, path, (st->st_mode & 07777) | S_IRWXU, AT_SYMLINK_NOFOLLOW) == 0)
		walk.changed++;
	if (type == FTW_DNR)
		walk.unreadable++;
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	int rc;

	(void)st;
	(void)f;
	rc = type == FTW_DP ? rmdir(path) : unlink(path);
	if (rc < 0 && errno != ENOENT && walk.error == 0)
		walk.error = -errno;
	return 0;
}

int ew_repro_remove_dir(const char *dir)
{
	const int flags = FTW_PHYS | FTW_MOUNT;

	/* Pre-order: a directory is opened up before nftw reads it, except one that was
	 * unreadable when met, which the next pass enters. */
	for (int pass = 0; pass < PASSES_MAX; pass++) {
		walk.unreadable = walk.changed = 0;
		if (nftw(dir, open_up, OPEN_FDS, flags) < 0)
			return errno == ENOENT ? 0 : -errno;
		if (walk.unreadable == 0 || walk.changed == 0)
			break;
	}
	walk.error = 0;
	if (nftw(dir, remove_one, OPEN_FDS, flags | FTW_DEPTH) < 0)
		return -errno;
	return walk.error;
}
