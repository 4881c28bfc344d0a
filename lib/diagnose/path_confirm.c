/* path_confirm.c: the user a path is judged for, and the kernel's own answer: read-only calls
 * (open(O_PATH), faccessat(AT_EACCESS)) made as that user, in a child that drops to them. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "path.h"

/* The caller's own credentials: what the kernel checks errwhy's calls against. */
static int caller(struct ew_path_user *u)
{
	struct passwd *pw;
	int n = getgroups(0, NULL);

	u->uid = geteuid();
	u->gid = getegid();
	u->caller = true;
	if (n > 0) {
		if (!(u->groups = calloc((size_t)n, sizeof(*u->groups))))
			return -ENOMEM;
		n = getgroups(n, u->groups);
		u->n_groups = n > 0 ? (size_t)n : 0;
	}
	pw = getpwuid(u->uid);
	if (pw && !(u->name = strdup(pw->pw_name)))
		return -ENOMEM;
	return 0;
}

/* A uid that has no passwd entry (a container's, say): judged with the gid of the same
 * number and no other group, as such processes often run. */
static int nameless(struct ew_path_user *u, uint32_t uid)
{
	if (uid == geteuid())
		return caller(u);
	u->uid = uid;
	u->gid = uid;
	return 0;
}

int ew_path_user_get(struct ew_path_user *u, const char *spec)
{
	struct passwd *pw;
	int n = 16;

	*u = (struct ew_path_user){0};
	if (!spec)
		return caller(u);
	pw = getpwnam(spec);
	if (!pw && spec[0] && strspn(spec, "0123456789") == strlen(spec) && strlen(spec) < 11) {
		unsigned long id = strtoul(spec, NULL, 10);
		if (id >= (uid_t)-1)
			return -ESRCH;
		if (!(pw = getpwuid((uid_t)id)))
			return nameless(u, (uint32_t)id);
	}
	if (!pw)
		return -ESRCH;
	if (pw->pw_uid == geteuid())
		return caller(u);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (!(u->name = strdup(pw->pw_name)))
		return -ENOMEM;
	for (;;) {
		gid_t *g = realloc(u->groups, (size_t)n * sizeof(*g));
		int want = n;
		if (!g)
			return -ENOMEM;
		u->groups = g;
		if (getgrouplist(u->name, u->gid, g, &want) >= 0) {
			u->n_groups = (size_t)want;
			return 0;
		}
		if (want <= n)
			want = n * 2;
		n = want;
	}
}

void ew_path_user_free(struct ew_path_user *u)
{
	free(u->groups);
	free(u->name);
	*u = (struct ew_path_user){0};
}

bool ew_path_user_in_group(const struct ew_path_user *u, uint32_t gid)
{
	if (u->gid == gid)
		return true;
	for (size_t i = 0; i < u->n_groups; i++)
		if (u->groups[i] == gid)
			return true;
	return false;
}

void ew_path_user_words(const struct ew_path_user *u, char *out, size_t size)
{
	if (u->name)
		snprintf(out, size, "%s (uid %u)", u->name, u->uid);
	else
		snprintf(out, size, "uid %u", u->uid);
}

/* ---- the checks ---- */

static int run_check(const struct ew_path_check *c)
{
	int fd;

	if (c->kind == EW_CHECK_OPEN) {
		fd = open(c->path, O_PATH | O_CLOEXEC | (c->nofollow ? O_NOFOLLOW : 0));
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	if (faccessat(AT_FDCWD, c->path, c->mode,
		      AT_EACCESS | (c->nofollow ? AT_SYMLINK_NOFOLLOW : 0)) < 0)
		return errno;
	return 0;
}

/* In a child that takes u's groups, gid and uid (in that order: setuid last, as it drops the
 * right to the others), the checks' answers written back through a pipe. */
static int run_as(const struct ew_path_user *u, struct ew_path_checks *k)
{
	int p[2], got[EW_PATH_MAX_CHECKS], status;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		close(p[0]);
		if (setgroups(u->n_groups, u->groups) < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0)
			_exit(1);
		for (size_t i = 0; i < k->n; i++)
			got[i] = run_check(&k->c[i]);
		_exit(write(p[1], got, k->n * sizeof(*got)) == (ssize_t)(k->n * sizeof(*got)) ? 0 : 1);
	}
	close(p[1]);
	do
		n = read(p[0], got, sizeof(got));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)(k->n * sizeof(*got)))
		return -EPERM; /* the child could not take the user's credentials */
	for (size_t i = 0; i < k->n; i++)
		k->c[i].got = got[i];
	return 0;
}

static const char *errno_name(int e)
{
	const char *n = e ? ew_repro_errno_name(e) : "ok";
	return n ? n : "?";
}

#define SHOWN 200 /* bytes of a path shown in the confirmation: PATH_MAX ones are cut */

static void describe(struct ew_buf *b, const struct ew_path_check *c)
{
	if (c->kind == EW_CHECK_OPEN)
		ew_buf_printf(b, "open(O_PATH%s) of %.*s%s: %s", c->nofollow ? "|O_NOFOLLOW" : "",
			      SHOWN, c->path, strlen(c->path) > SHOWN ? "..." : "",
			      errno_name(c->got));
	else
		ew_buf_printf(b, "faccessat(%s%s%s, AT_EACCESS) of %.*s%s: %s",
			      c->mode & R_OK ? "R_OK" : "",
			      (c->mode & R_OK) && (c->mode & (W_OK | X_OK)) ? "|" : "",
			      c->mode & W_OK ? ((c->mode & X_OK) ? "W_OK|X_OK" : "W_OK")
					     : (c->mode & X_OK ? "X_OK" : ""),
			      SHOWN, c->path, strlen(c->path) > SHOWN ? "..." : "",
			      errno_name(c->got));
}

/* Whether one of the checks got err: else the verdict's errno (ETXTBSY, ENOSPC, EXDEV) is
 * one no read-only call returns. */
static bool check_got(const struct ew_path_checks *k, int err)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->c[i].got == err)
			return true;
	return false;
}

/* Where the kernel and the reasoning part, the kernel's answer is the verdict. */
static void kernel_wins(struct ew_path_report *r, const struct ew_path_check *c)
{
	char *was = r->reason;
	int reasoned = r->verdict;

	r->reason = NULL;
	if (c->got)
		ew_path_set_verdict(r, c->got, c->path, "the kernel says %s where the modes say %s "
				    "(%s): a security module (SELinux, AppArmor), a capability or "
				    "another rule the modes do not show decides", errno_name(c->got),
				    errno_name(reasoned), was ? was : "");
	else
		ew_path_set_verdict(r, 0, NULL, "the kernel allows it where the modes say %s (%s): "
				    "a capability or another rule the modes do not show decides",
				    errno_name(reasoned), was ? was : "");
	free(was);
}

int ew_path_confirm(struct ew_path_report *r, const struct ew_path_user *u,
		    struct ew_path_checks *k)
{
	struct ew_buf b;
	char who[128];
	int e = 0;

	ew_path_user_words(u, who, sizeof(who));
	ew_buf_init(&b);
	if (!u->caller && geteuid() != 0) {
		ew_buf_printf(&b, "not confirmed: reasoned from the modes for %s; errwhy runs as "
			      "uid %u and can ask the kernel only for itself (run as root, it asks "
			      "as the user)", who, geteuid());
	} else if (k->n == 0) {
		ew_buf_puts(&b, "not confirmed: no read-only call answers this");
	} else {
		if (u->caller)
			for (size_t i = 0; i < k->n; i++)
				k->c[i].got = run_check(&k->c[i]);
		else
			e = run_as(u, k);
		if (e < 0) {
			ew_buf_printf(&b, "not confirmed: a child could not take the credentials of "
				      "%s", who);
		} else {
			ew_buf_printf(&b, "checked as %s%s: ", who,
				      u->caller ? ", errwhy itself"
						: " in a child with its uid, gid and groups");
			r->confirmed = true;
			for (size_t i = 0; i < k->n; i++) {
				ew_buf_puts(&b, i ? "; " : "");
				describe(&b, &k->c[i]);
				if (k->c[i].got != k->c[i].expect && r->confirmed) {
					r->confirmed = false;
					r->kernel = k->c[i].got;
					kernel_wins(r, &k->c[i]);
				}
			}
			if (r->confirmed)
				r->kernel = k->c[0].got;
			if (r->confirmed && r->verdict && !check_got(k, r->verdict))
				ew_buf_printf(&b, " (the checks pass up to %s, which only doing the "
					      "operation would show: errwhy never does it)",
					      errno_name(r->verdict));
		}
	}
	r->confirmation = b.failed ? NULL : b.data;
	if (!r->confirmation) {
		ew_buf_free(&b);
		return -ENOMEM;
	}
	return 0;
}

/* ---- who executes a file ---- */

static void read_comm(int pid, char out[17])
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	out[0] = '\0';
	if (!(f = fopen(path, "re")))
		return;
	if (fgets(out, 17, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

size_t ew_path_executors(dev_t dev, ino_t ino, int *pids, char (*comms)[17], size_t max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while (n < max && (de = readdir(d))) {
		char path[sizeof(de->d_name) + 16];
		struct stat st;
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/exe", de->d_name);
		if (stat(path, &st) < 0 || st.st_dev != dev || st.st_ino != ino)
			continue;
		pids[n] = atoi(de->d_name);
		read_comm(pids[n], comms[n]);
		n++;
	}
	closedir(d);
	return n;
}
