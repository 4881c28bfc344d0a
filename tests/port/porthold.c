/* porthold.c: the tests' port holder: binds a loopback port in the ways errwhy port must
 * recognise (listener, UDP, dual-stack ::, TIME_WAIT), writes the port to a file and waits. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void)
{
	fputs("usage: porthold [--udp] [--v6|--dual] [--port N] [--reuse] [--ignore-term]\n"
	      "                [--life SECONDS] [--timewait] [--port-file FILE] [-- CMD ARGS...]\n",
	      stderr);
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "porthold: %s: %s\n", what, strerror(errno));
	exit(3);
}

/* Writes the port to file (through a rename, so a reader never sees half of it). */
static void announce(const char *file, unsigned port)
{
	char tmp[4096];
	FILE *f;

	if (!file) {
		printf("%u\n", port);
		fflush(stdout);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 || rename(tmp, file) != 0)
		die("port file");
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

/* Leaves a TIME_WAIT socket on the listener's port: the server side closes first. */
static void make_timewait(int lfd, int family, unsigned port)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port),
				  .sin6_addr = in6addr_loopback};
	int c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), a;
	char byte;

	if (c < 0)
		die("socket");
	if (connect(c, family == AF_INET6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
		    family == AF_INET6 ? sizeof(a6) : sizeof(a4)) < 0)
		die("connect");
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

int main(int argc, char **argv)
{
	bool udp = false, v6 = false, dual = false, reuse = false, ignore_term = false;
	bool timewait = false;
	unsigned port = 0, life = 60;
	const char *port_file = NULL;
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
		else if (strcmp(a, "--port-file") == 0 && i + 1 < argc)
			port_file = argv[++i];
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

	fd = bound_socket(udp ? SOCK_DGRAM : SOCK_STREAM, v6 ? AF_INET6 : AF_INET, dual, port,
			  reuse);
	port = local_port(fd);
	if (!udp && listen(fd, 16) < 0)
		die("listen");
	if (timewait) {
		make_timewait(fd, v6 ? AF_INET6 : AF_INET, port);
		close(fd);
		announce(port_file, port);
		return 0;
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
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	for (;;)
		pause();
}
