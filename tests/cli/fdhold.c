/* fdhold.c: a process for tests/cli/limits.sh that holds a known set of fds: it closes every
 * fd above 2, lowers its RLIMIT_NOFILE, opens what it is told, says "ready PID" on stdout and
 * holds everything until its stdin reaches end of file. No sleep: the test waits on the line.
 * Usage: fdhold [--nofile N] [--files N PATH] [--pipes N] [--watches N DIR] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* N subdirectories DIR/w0... made here, each watched by one inotify instance. */
static void watch(long n, const char *dir)
{
	char path[4096];
	int fd = inotify_init1(IN_CLOEXEC);

	if (fd < 0)
		die("inotify_init1");
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/w%ld", dir, i);
		if (mkdir(path, 0700) < 0)
			die(path);
		if (inotify_add_watch(fd, path, IN_CREATE) < 0)
			die("inotify_add_watch");
	}
}

int main(int argc, char **argv)
{
	char buf[256];

	close_range(3, ~0U, 0);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--nofile") == 0 && i + 1 < argc) {
			struct rlimit rl = {.rlim_cur = strtoul(argv[++i], NULL, 10)};
			rl.rlim_max = rl.rlim_cur;
			if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
				die("setrlimit");
		} else if (strcmp(argv[i], "--files") == 0 && i + 2 < argc) {
			long n = strtol(argv[++i], NULL, 10);
			const char *path = argv[++i];
			for (long k = 0; k < n; k++)
				if (open(path, O_RDONLY | O_CREAT, 0600) < 0)
					die(path);
		} else if (strcmp(argv[i], "--pipes") == 0 && i + 1 < argc) {
			long n = strtol(argv[++i], NULL, 10);
			for (long k = 0; k < n; k++) {
				int p[2];
				if (pipe(p) < 0)
					die("pipe");
			}
		} else if (strcmp(argv[i], "--watches") == 0 && i + 2 < argc) {
			long n = strtol(argv[++i], NULL, 10);
			watch(n, argv[++i]);
		} else {
			fprintf(stderr, "fdhold: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
