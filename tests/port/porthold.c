/* porthold.c: the tests' port holder: binds a loopback port in the ways errwhy port must
 * recognise (listener, UDP, dual-stack ::, TIME_WAIT, CLOSE_WAIT, a master with a worker of
 * another uid, a respawning child), under names and titles of its choice; writes the port to
 * a file and waits. */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void)
{
	fputs("usage: porthold [--udp] [--v6|--dual] [--port N] [--reuse] [--ignore-term]\n"
	      "                [--life SECONDS] [--timewait|--closewait] [--port-file FILE]\n"
	      "                [--name NAME] [--retitle TITLE] [--worker-uid UID|--respawn]\n"
	      "                [--pid-file FILE] [-- CMD ARGS... | --- DECORATION...]\n"
	      "  --name NAME       prctl(PR_SET_NAME): /proc/PID/comm is NAME (15 bytes, any)\n"
	      "  --retitle TITLE   overwrite the argv area in place (as nginx does): cmdline is\n"
	      "                    TITLE and NULs\n"
	      "  --closewait       leave an accepted connection in CLOSE_WAIT, no listener\n"
	      "  --worker-uid UID  fork a worker of that uid (dumpable) that keeps the socket;\n"
	      "                    --pid-file gets \"MASTER WORKER\"\n"
	      "  --respawn         a supervisor without the socket whose child binds the port\n"
	      "                    (SO_REUSEADDR) and is started anew when it dies; --pid-file\n"
	      "                    gets the current child's pid\n"
	      "  --- ...           ignored: decoration seen in /proc/PID/cmdline\n",
	      stderr);
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "porthold: %s: %s\n", what, strerror(errno));
	exit(3);
}

/* Writes text to file (through a rename, so a reader never sees half of it). */
static void put_file(const char *file, const char *text)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, file) != 0)
		die(file);
}

/* Writes the port to file, or to stdout without one. */
static void announce(const char *file, unsigned port)
{
	char text[16];

	snprintf(text, sizeof(text), "%u\n", port);
	if (!file) {
		fputs(text, stdout);
		fflush(stdout);
		return;
	}
	put_file(file, text);
}

static int bound_socket(int type, int family, bool dual, unsigned port, bool reuse)
{
	int one = 1, zero = 0;
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};

	if (fd < 0)
		die("socket");
	if (reuse)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		/* --dual: "::" with V6ONLY off, which also takes every IPv4 address. */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual ? &zero : &one, sizeof(one));
		a6.sin6_addr = dual ? in6addr_any : in6addr_loopback;
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) < 0)
			die("bind");
	} else if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) < 0) {
		die("bind");
	}
	return fd;
}

static unsigned local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		die("getsockname");
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

/* A client socket connected to the loopback port. */
static int connect_loopback(int family, unsigned port)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port),
				  .sin6_addr = in6addr_loopback};
	int c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (c < 0)
		die("socket");
	if (connect(c, family == AF_INET6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
		    family == AF_INET6 ? sizeof(a6) : sizeof(a4)) < 0)
		die("connect");
	return c;
}

/* Leaves a TIME_WAIT socket on the listener's port: the server side closes first. */
static void make_timewait(int lfd, int family, unsigned port)
{
	int c = connect_loopback(family, port), a;
	char byte;

	a = accept(lfd, NULL, NULL);
	if (a < 0)
		die("accept");
	close(a);
	/* EOF on the client: the server's FIN has arrived; closing now completes the
	 * exchange and leaves the server side in TIME_WAIT. */
	if (read(c, &byte, 1) != 0)
		die("read");
	close(c);
	usleep(50000);
}

/* Leaves the accepted end of a connection in CLOSE_WAIT, held by us, with no listener: the
 * client closes first and we never do. Returns the accepted socket. */
static int make_closewait(int lfd, int family, unsigned port)
{
	int c = connect_loopback(family, port), a;

	a = accept(lfd, NULL, NULL);
	if (a < 0)
		die("accept");
	close(lfd);
	close(c);
	usleep(50000);
	return a;
}

/* Overwrites the argument area in place, as nginx and postgres retitle themselves: TITLE at
 * argv[0] and NULs over the rest, which /proc/PID/cmdline then shows as trailing NULs. */
static void retitle(int argc, char **argv, const char *title)
{
	char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	char *copy = strdup(title); /* title lies in the area about to be cleared */
	size_t room = (size_t)(end - start);

	if (!copy)
		die("strdup");
	memset(start, 0, room);
	memcpy(start, copy, strlen(copy) < room ? strlen(copy) : room - 1);
	free(copy);
}

/* A worker of another uid that keeps the listening socket, as nginx's and postgres's do;
 * returns once it runs as uid, so the port is announced only then. */
static pid_t start_worker(unsigned uid, unsigned life)
{
	int p[2];
	char byte;
	pid_t pid;

	if (pipe(p) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		alarm(life); /* not inherited across fork */
		if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)
			die("setuid");
		/* A uid change makes us undumpable, and /proc/PID/fd root's; nginx sets this back
		 * too, so that the worker's own uid may read its open files. */
		prctl(PR_SET_DUMPABLE, 1);
		if (write(p[1], "", 1) != 1)
			die("write");
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &byte, 1) != 1)
		die("worker did not start");
	close(p[0]);
	return pid;
}

/* A supervisor that holds no socket: its child binds the port and listens, and when the
 * child dies another starts at once, as a shell loop or Restart=always would. Each child
 * writes its pid to pid_file before it listens, so the file names the holder by then. */
static void respawn(unsigned port, unsigned life, const char *port_file, const char *pid_file)
{
	pid_t self = getpid();

	if (port == 0) {
		/* Drawn once, then fixed: bound but never listening, this leaves nothing behind. */
		int fd = bound_socket(SOCK_STREAM, AF_INET, false, 0, true);
		port = local_port(fd);
		close(fd);
	}
	for (;;) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char text[16];
			int fd;

			/* No child outlives the supervisor, however it ends. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != self)
				_exit(0);
			alarm(life);
			signal(SIGTERM, SIG_DFL);
			if (pid_file) {
				snprintf(text, sizeof(text), "%d\n", (int)getpid());
				put_file(pid_file, text);
			}
			fd = bound_socket(SOCK_STREAM, AF_INET, false, port, true);
			if (listen(fd, 16) < 0)
				die("listen");
			announce(port_file, port);
			for (;;)
				pause();
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		/* A child that could not bind would fail again at once: not in a tight loop. */
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			usleep(100000);
	}
}

int main(int argc, char **argv)
{
	bool udp = false, v6 = false, dual = false, reuse = false, ignore_term = false;
	bool timewait = false, closewait = false, respawning = false;
	unsigned port = 0, life = 60;
	long worker_uid = -1;
	char *port_file = NULL, *pid_file = NULL, *name = NULL, *title = NULL;
	char **cmd = NULL;
	int fd;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--udp") == 0)
			udp = true;
		else if (strcmp(a, "--v6") == 0)
			v6 = true;
		else if (strcmp(a, "--dual") == 0)
			v6 = dual = true;
		else if (strcmp(a, "--reuse") == 0)
			reuse = true;
		else if (strcmp(a, "--ignore-term") == 0)
			ignore_term = true;
		else if (strcmp(a, "--timewait") == 0)
			timewait = true;
		else if (strcmp(a, "--port") == 0 && i + 1 < argc)
			port = (unsigned)atoi(argv[++i]);
		else if (strcmp(a, "--life") == 0 && i + 1 < argc)
			life = (unsigned)atoi(argv[++i]);
		else if (strcmp(a, "--closewait") == 0)
			closewait = true;
		else if (strcmp(a, "--respawn") == 0)
			respawning = true;
		/* Copies: --retitle clears the argument area they lie in. */
		else if (strcmp(a, "--port-file") == 0 && i + 1 < argc)
			port_file = strdup(argv[++i]);
		else if (strcmp(a, "--pid-file") == 0 && i + 1 < argc)
			pid_file = strdup(argv[++i]);
		else if (strcmp(a, "--name") == 0 && i + 1 < argc)
			name = strdup(argv[++i]);
		else if (strcmp(a, "--retitle") == 0 && i + 1 < argc)
			title = strdup(argv[++i]);
		else if (strcmp(a, "--worker-uid") == 0 && i + 1 < argc)
			worker_uid = atol(argv[++i]);
		else if (strcmp(a, "---") == 0)
			break; /* decoration, for /proc/PID/cmdline alone */
		else if (strcmp(a, "--") == 0 && i + 1 < argc) {
			cmd = argv + i + 1;
			break;
		} else
			usage();
	}
	if (ignore_term)
		signal(SIGTERM, SIG_IGN);
	/* However the test ends, a holder never outlives it by much. */
	alarm(life);
	if (name && prctl(PR_SET_NAME, name) < 0)
		die("prctl");
	if (title && !cmd)
		retitle(argc, argv, title);
	if (respawning)
		respawn(port, life, port_file, pid_file);

	fd = bound_socket(udp ? SOCK_DGRAM : SOCK_STREAM, v6 ? AF_INET6 : AF_INET, dual, port,
			  reuse);
	port = local_port(fd);
	if (!udp && listen(fd, 16) < 0)
		die("listen");
	if (timewait) {
		make_timewait(fd, v6 ? AF_INET6 : AF_INET, port);
		close(fd);
		announce(port_file, port);
		free(port_file), free(pid_file), free(name), free(title);
		return 0;
	}
	if (closewait)
		fd = make_closewait(fd, v6 ? AF_INET6 : AF_INET, port);
	if (worker_uid >= 0) {
		pid_t worker = start_worker((unsigned)worker_uid, life);
		char text[48];
		snprintf(text, sizeof(text), "%d %d\n", (int)getpid(), (int)worker);
		if (pid_file)
			put_file(pid_file, text);
	} else if (pid_file) {
		char text[16];
		snprintf(text, sizeof(text), "%d\n", (int)getpid());
		put_file(pid_file, text);
	}
	announce(port_file, port);
	if (cmd) {
		/* The command runs as our child, so this holder is one of its ancestors. */
		int status;
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char text[16];
			snprintf(text, sizeof(text), "%u", port);
			setenv("PORT", text, 1);
			execvp(cmd[0], cmd);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		free(port_file), free(pid_file), free(name), free(title);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	for (;;)
		pause();
}
