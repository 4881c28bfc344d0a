/* ns.c: the private worlds a body may ask for: a network namespace with only lo, a mount
 * namespace, and dropping root. Without root they go through a user namespace of the child's
 * own, which the kernel allows unprivileged users (where not switched off). */
#include <linux/capability.h>

#include "child.h"

/* Writes text to a /proc file in one write(), as the id-map files demand. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(text);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, text, n);
	if (w < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	close(fd);
	return (size_t)w == n ? 0 : -EIO;
}

/* Maps the child's own ids to themselves, so it keeps its identity (files it makes are still
 * its user's) while holding the capabilities of the new namespace. setgroups must be denied
 * before an unprivileged process may write its gid_map (user_namespaces(7)). */
static int map_ids(struct ew_repro *r)
{
	char map[64];
	int e;

	/* A process that changed its ids (a root caller that dropped them) is not dumpable, and
	 * its /proc/self files belong to root: it could not write its own maps. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	e = write_file("/proc/self/setgroups", "deny");
	if (e < 0 && e != -ENOENT)
		return e;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)r->uid, (unsigned)r->uid);
	if ((e = write_file("/proc/self/uid_map", map)) < 0)
		return e;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)r->gid, (unsigned)r->gid);
	return write_file("/proc/self/gid_map", map);
}

/* unshare(flags), through a new user namespace unless root may do it directly or the child is
 * already in a user namespace of its own. 0, or a negative errno with *what naming the step. */
static int enter(struct ew_repro *r, int flags, const char **what)
{
	int e;

	*what = "unshare";
	if ((r->root || r->userns) && unshare(flags) == 0)
		return 0;
	if (r->userns)
		return -errno;
	if (unshare(CLONE_NEWUSER | flags) < 0)
		return -errno;
	*what = "writing the user namespace's id maps";
	if ((e = map_ids(r)) < 0)
		return e;
	r->userns = true;
	return 0;
}

static int lo_up(void)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), e = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		e = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (e == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		e = -errno;
	close(fd);
	return e;
}

int ew_repro_netns(struct ew_repro *r)
{
	const char *what;
	int e;

	if (r->netns)
		return 0;
	if ((e = enter(r, CLONE_NEWNET, &what)) < 0)
		return ew_repro_skip(r, "no private network namespace here: %s: %s", what,
				     strerror(-e));
	r->netns = true;
	if ((e = lo_up()) < 0) {
		errno = -e;
		return ew_repro_fail(r, "bringing lo up in the private network namespace");
	}
	ew_repro_step(r, "in a private network namespace with only lo, up");
	return 0;
}

int ew_repro_mountns(struct ew_repro *r)
{
	const char *what;
	int e;

	if ((e = enter(r, CLONE_NEWNS, &what)) < 0)
		return ew_repro_skip(r, "no private mount namespace here: %s: %s", what,
				     strerror(-e));
	/* Systemd makes / shared: without this a mount under the private directory would
	 * propagate back to the namespace it came from. A change of propagation reads no source
	 * or type; "none" rather than NULL keeps valgrind from taking NULL for a bad string. */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		return ew_repro_fail(r, "making every mount private");
	ew_repro_step(r, "in a private mount namespace");
	return 0;
}

/* In a user namespace of its own the child holds every capability there, which would let it
 * past the permission checks a body wants to meet (CAP_DAC_OVERRIDE on its own files):
 * unprivileged means without them. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {{0}};

	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int ew_repro_unprivileged(struct ew_repro *r)
{
	const uid_t nobody = 65534;
	const gid_t nogroup = 65534;

	if (!r->root) {
		if (r->userns && drop_capabilities() < 0)
			return ew_repro_fail(r, "dropping the user namespace's capabilities");
		return 0;
	}
	/* The private directory is the one place nobody may write; nothing else changes hands. */
	if (chown(r->dir, nobody, nogroup) < 0)
		return ew_repro_fail(r, "handing %s to nobody", r->dir);
	if (setgroups(0, NULL) < 0)
		return ew_repro_fail(r, "setgroups(0)");
	if (setresgid(nogroup, nogroup, nogroup) < 0)
		return ew_repro_fail(r, "setresgid(nogroup)");
	if (setresuid(nobody, nobody, nobody) < 0)
		return ew_repro_fail(r, "setresuid(nobody)");
	/* The change of ids made the child undumpable, which hands /proc/self to root: a body
	 * reading its own /proc files should not meet that. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return ew_repro_fail(r, "prctl(PR_SET_DUMPABLE)");
	r->root = false;
	ew_repro_step(r, "running as nobody:nogroup (uid 65534, gid 65534), no groups");
	return 0;
}
