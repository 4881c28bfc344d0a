/* holder.c: port holders for the tests: each child binds, reports its port through a pipe,
 * and lives at most 30 s, so a crashed test leaves nothing behind for long. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diagnose/diagnose.h"
#include "holder.h"

static int held_fd = -1;

static void close_held(int sig)
{
	(void)sig;
	if (held_fd >= 0)
		close(held_fd);
	held_fd = -1;
}

static int bind_socket(unsigned flags)
{
	int one = 1, zero = 0;
	bool v6 = flags & (HOLD_V6 | HOLD_DUAL | HOLD_V6ONLY);
	int fd = socket(v6 ? AF_INET6 : AF_INET, (flags & HOLD_UDP) ? SOCK_DGRAM : SOCK_STREAM, 0);
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};

	if (fd < 0)
		return -1;
	if (v6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, (flags & HOLD_DUAL) ? &zero : &one,
			   sizeof(one));
		if (flags & (HOLD_DUAL | HOLD_V6ONLY))
			a6.sin6_addr = in6addr_any;
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) < 0)
			return -1;
	} else if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) < 0) {
		return -1;
	}
	if (!(flags & HOLD_UDP) && listen(fd, 8) < 0)
		return -1;
	return fd;
}

static uint16_t port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

int holder_start(struct holder *h, unsigned flags)
{
	int p[2];
	int32_t msg[3] = {0};

	*h = (struct holder){0};
	if (pipe(p) < 0)
		return -1;
	h->pid = fork();
	if (h->pid < 0)
		return -1;
	if (h->pid == 0) {
		close(p[0]);
		alarm(30);
		if (flags & HOLD_IGNORE_TERM)
			signal(SIGTERM, SIG_IGN);
		held_fd = bind_socket(flags);
		msg[0] = held_fd < 0 ? 0 : port_of(held_fd);
		if (held_fd >= 0 && (flags & HOLD_CLOSE_ON_USR1))
			signal(SIGUSR1, close_held);
		if (held_fd >= 0 && (flags & HOLD_SHARE)) {
			pid_t g = fork();
			if (g == 0) {
				alarm(30);
				for (;;)
					pause();
			}
			msg[1] = g;
		}
		if (write(p[1], msg, sizeof(msg)) != sizeof(msg))
			_exit(1);
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], msg, sizeof(msg)) != sizeof(msg) || msg[0] == 0) {
		close(p[0]);
		fprintf(stderr, "holder: the child could not bind\n");
		holder_stop(h);
		return -1;
	}
	close(p[0]);
	h->port = (uint16_t)msg[0];
	h->pid2 = msg[1];
	return 0;
}

bool holder_gone(pid_t pid, int ms, int *status)
{
	for (int waited = 0; waited <= ms; waited += 10) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			if (status)
				*status = st;
			return true;
		}
		/* Not our child (a grandchild): gone when kill(0) says so. */
		if (r < 0 && errno == ECHILD && kill(pid, 0) < 0 && errno == ESRCH)
			return true;
		usleep(10000);
	}
	return false;
}

void holder_stop(struct holder *h)
{
	if (h->pid2 > 0) {
		kill(h->pid2, SIGKILL);
		holder_gone(h->pid2, 2000, NULL);
		h->pid2 = 0;
	}
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
		h->pid = 0;
	}
}

uint16_t holder_timewait(bool reuse)
{
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), c = -1, a = -1;
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(addr);
	uint16_t port = 0;
	char byte;

	if (l < 0)
		return 0;
	if (reuse)
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&addr, &len) < 0)
		goto out;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&addr, len) < 0)
		goto out;
	a = accept(l, NULL, NULL);
	if (a < 0)
		goto out;
	/* The server side closes first, so it is the one left in TIME_WAIT on the port. */
	close(a);
	a = -1;
	if (read(c, &byte, 1) != 0)
		goto out;
	close(c);
	c = -1;
	usleep(50000);
	port = ntohs(addr.sin_port);
out:
	if (a >= 0)
		close(a);
	if (c >= 0)
		close(c);
	close(l);
	return port;
}

int holder_bind(unsigned flags)
{
	return bind_socket(flags);
}

uint16_t holder_port_of(int fd)
{
	return port_of(fd);
}

uint64_t holder_inode_of(uint16_t port, uint32_t *uid, uint64_t *cgroup_id)
{
	struct ew_port_socket *s = NULL;
	size_t n = 0;
	uint64_t inode = 0;

	if (ew_sockets_query(port, EW_PORT_TCP, &s, &n) < 0)
		return 0;
	for (size_t i = 0; i < n && !inode; i++) {
		if (!s[i].inode)
			continue;
		inode = s[i].inode;
		if (uid)
			*uid = s[i].uid;
		if (cgroup_id)
			*cgroup_id = s[i].cgroup_id;
	}
	free(s);
	return inode;
}
