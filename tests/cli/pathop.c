/* pathop.c: does one real file operation the way a program would, and prints the errno name it
 * got (or "ok"), so tests/cli/path.sh can prove each of errwhy path's verdicts against the kernel.
 *
 * Usage: pathop [--as USER] OP PATH [DEST]
 *   read    open O_RDONLY, then read up to 4096 bytes
 *   write   open O_WRONLY (no O_CREAT, no O_TRUNC, no O_APPEND) an existing file, then append
 *           4096 bytes at its end and fsync: a full filesystem refuses the write, not the open
 *   create  open O_CREAT|O_EXCL|O_WRONLY, then unlink what was created
 *   delete  unlink, or rmdir for a directory (lstat decides)
 *   exec    execve PATH with no arguments in a forked child; ok once the exec succeeded
 *   list    opendir and readdir to the end
 *   search  chdir
 *   rename  rename PATH to DEST
 * --as USER (a name or a uid) does it in a forked child that took USER's uid, gid and groups.
 * Exit 0 for ok, 1 for an errno, 2 for a usage or set-up error (on stderr). Meant for scratch
 * files made by the test: write, create, delete and rename change them. */
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

extern char **environ;

static int op_read(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ssize_t got = read(fd, buf, sizeof(buf));
	int e = got < 0 ? errno : 0;
	close(fd);
	return e;
}

/* The whole block is written, in as many writes as it takes: a short write followed by
 * ENOSPC is a full filesystem, as a program that loops over write() would see it. */
static int op_write(const char *path)
{
	static const char block[4096];
	size_t done = 0;
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int e = 0;
	if (lseek(fd, 0, SEEK_END) < 0)
		e = errno;
	while (!e && done < sizeof(block)) {
		ssize_t put = write(fd, block + done, sizeof(block) - done);
		if (put < 0)
			e = errno;
		else
			done += (size_t)put;
	}
	if (!e && fsync(fd) < 0 && errno != EINVAL)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	return e;
}

static int op_create(const char *path)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	close(fd);
	return unlink(path) < 0 ? errno : 0;
}

static int op_delete(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return rmdir(path) < 0 ? errno : 0;
	return unlink(path) < 0 ? errno : 0;
}

/* The child reports execve's errno through a close-on-exec pipe: end of file with nothing
 * read means the exec happened, whatever the program then did or exited with. */
static int op_exec(const char *path)
{
	int p[2], e = 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	pid_t pid = fork();
	if (pid < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		return e;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		char *argv[] = {(char *)path, NULL};
		execve(path, argv, environ);
		e = errno;
		if (write(p[1], &e, sizeof(e)) != sizeof(e))
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &e, sizeof(e)) != sizeof(e))
		e = 0;
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return e;
}

static int op_list(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return errno;
	errno = 0;
	while (readdir(d))
		;
	int e = errno;
	closedir(d);
	return e;
}

/* -1: not an operation pathop knows. */
static int do_op(const char *op, const char *path, const char *dest)
{
	if (!strcmp(op, "read"))
		return op_read(path);
	if (!strcmp(op, "write"))
		return op_write(path);
	if (!strcmp(op, "create"))
		return op_create(path);
	if (!strcmp(op, "delete"))
		return op_delete(path);
	if (!strcmp(op, "exec"))
		return op_exec(path);
	if (!strcmp(op, "list"))
		return op_list(path);
	if (!strcmp(op, "search"))
		return chdir(path) < 0 ? errno : 0;
	if (!strcmp(op, "rename") && dest)
		return rename(path, dest) < 0 ? errno : 0;
	return -1;
}

static int report(int e)
{
	const char *name = e ? strerrorname_np(e) : "ok";
	if (name)
		printf("%s\n", name);
	else
		printf("%d\n", e);
	return fflush(stdout) == 0 && e == 0 ? 0 : 1;
}

/* Drops to USER's uid, gid and supplementary groups, as login would set them. */
static int become(const char *user)
{
	char *end;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		unsigned long uid = strtoul(user, &end, 10);
		if (*user && !*end)
			pw = getpwuid((uid_t)uid);
	}
	if (!pw) {
		fprintf(stderr, "pathop: no such user: %s\n", user);
		return -1;
	}
	gid_t groups[256];
	int n = 256;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0) {
		fprintf(stderr, "pathop: %s is in more than 256 groups\n", user);
		return -1;
	}
	if (setgroups((size_t)n, groups) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "pathop: cannot become %s: %s\n", user, strerror(errno));
		return -1;
	}
	return 0;
}

static int run(const char *op, const char *path, const char *dest)
{
	int e = do_op(op, path, dest);
	if (e < 0) {
		fprintf(stderr, "pathop: unknown operation %s (or rename without DEST)\n", op);
		return 2;
	}
	return report(e);
}

int main(int argc, char **argv)
{
	const char *user = NULL;
	if (argc > 2 && !strcmp(argv[1], "--as")) {
		user = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: pathop [--as USER] OP PATH [DEST]\n");
		return 2;
	}
	if (!user)
		return run(argv[1], argv[2], argv[3]);
	pid_t pid = fork();
	if (pid < 0) {
		perror("pathop: fork");
		return 2;
	}
	if (pid == 0)
		_exit(become(user) < 0 ? 2 : run(argv[1], argv[2], argv[3]));
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("pathop: waitpid");
			return 2;
		}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
