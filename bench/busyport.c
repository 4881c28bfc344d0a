/* busyport.c: the port benchmark's helper. "hold" builds a busy machine: N processes, each
 * with a few plain fds, some loopback listeners and established loopback connections, one of
 * them also holding the port measured; "readlinks" and "netlink" measure the floors. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "busyport: %s: %s\n", what, strerror(errno));
	exit(3);
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int listener(unsigned port)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0)
		die(port ? "bind the measured port" : "bind");
	return fd;
}

/* One established loopback connection to lfd: both ends stay open in this process. */
static void connection(int lfd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int c = socket(AF_INET, SOCK_STREAM, 0);

	if (c < 0 || getsockname(lfd, (struct sockaddr *)&a, &len) < 0)
		die("socket");
	if (connect(c, (struct sockaddr *)&a, len) < 0 || accept(lfd, NULL, NULL) < 0)
		die("connect");
}

/* A child: its share of listeners and connections, a pipe and /dev/null, then sleep. port:
 * it also listens on the port measured; inherited >= 0: it keeps that listener, made by the
 * parent before any child (inherited < 0 in the others, which close it). */
static void child(unsigned listeners, unsigned conns, unsigned port, int inherited, int ready)
{
	int first = -1, p[2];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)inherited; /* kept open as it came, like a prefork worker's listener */
	if (pipe(p) < 0 || open("/dev/null", O_RDONLY) < 0)
		die("fds");
	for (unsigned i = 0; i < listeners; i++) {
		int fd = listener(0);
		if (first < 0)
			first = fd;
	}
	if (port)
		first = first < 0 ? listener(port) : (listener(port), first);
	for (unsigned i = 0; i < conns && first >= 0; i++)
		connection(first);
	if (write(ready, "x", 1) != 1)
		die("ready");
	close(ready);
	for (;;)
		pause();
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int hold(int argc, char **argv)
{
	unsigned n = 200, listeners = 5000, conns = 1000, port = 0, at = 0;
	const char *ready_file = NULL, *place = "first";
	pid_t *pids;
	int rp[2], shared = -1;
	bool inherited;
	char buf[256];
	unsigned got = 0;

	for (int i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			n = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-l") == 0)
			listeners = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-c") == 0)
			conns = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-p") == 0)
			port = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--at") == 0)
			place = argv[i + 1];
		else if (strcmp(argv[i], "--ready") == 0)
			ready_file = argv[i + 1];
	}
	if (n == 0 || !port) {
		fprintf(stderr, "usage: busyport hold -n N -l LISTENERS -c CONNS -p PORT "
				"--at first|middle|last|inherited --ready FILE\n");
		return 2;
	}
	/* inherited: the shape of a prefork server or of socket activation. The listener is
	 * bound here before any child exists (the oldest socket inode of all), every child
	 * but the youngest closes it, and this process closes it after the last fork. */
	inherited = strcmp(place, "inherited") == 0;
	at = strcmp(place, "last") == 0 || inherited ? n - 1 : strcmp(place, "middle") == 0 ? n / 2 : 0;
	raise_nofile();
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	pids = calloc(n, sizeof(*pids));
	if (!pids || pipe(rp) < 0)
		die("setup");
	if (inherited)
		shared = listener(port);
	for (unsigned i = 0; i < n; i++) {
		unsigned l = listeners / n + (i < listeners % n);
		unsigned c = conns / n + (i < conns % n);
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (pids[i] == 0) {
			close(rp[0]);
			if (shared >= 0 && i != at)
				close(shared);
			child(l, c, i == at && !inherited ? port : 0, i == at ? shared : -1, rp[1]);
		}
	}
	if (shared >= 0)
		close(shared);
	close(rp[1]);
	while (got < n && !stop) {
		ssize_t r = read(rp[0], buf, sizeof(buf));
		if (r <= 0)
			break;
		got += (unsigned)r;
	}
	if (got == n && ready_file) {
		FILE *f = fopen(ready_file, "w");
		if (f) {
			fprintf(f, "%d %d %d\n", pids[0], pids[at], pids[n - 1]);
			fclose(f);
		}
	}
	if (got < n)
		fprintf(stderr, "busyport: only %u of %u children got ready\n", got, n);
	while (!stop && got == n)
		pause();
	/* Every child by its pid, then reap them all. */
	for (unsigned i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (unsigned i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	free(pids);
	return got == n ? 0 : 1;
}

/* The floor of owner lookup: read every fd link of every process, as ss -p does; with
 * threads > 1, the processes are shared out by an atomic index, as errwhy's scan does. */
struct floor {
	int *pids;
	size_t n;
	atomic_size_t next;
	atomic_ulong links, sockets;
};

static void *read_some(void *arg)
{
	struct floor *f = arg;
	char path[64], link[64];
	size_t i;

	while ((i = atomic_fetch_add(&f->next, 1)) < f->n) {
		DIR *fds;
		struct dirent *e;
		snprintf(path, sizeof(path), "/proc/%d/fd", f->pids[i]);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((e = readdir(fds))) {
			ssize_t len;
			if (e->d_name[0] == '.')
				continue;
			len = readlinkat(dirfd(fds), e->d_name, link, sizeof(link));
			atomic_fetch_add(&f->links, 1);
			if (len > 7 && memcmp(link, "socket:", 7) == 0)
				atomic_fetch_add(&f->sockets, 1);
		}
		closedir(fds);
	}
	return NULL;
}

static int readlinks(int threads)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	struct floor f = {0};
	size_t cap = 0;
	pthread_t helper[8];
	int started = 0;

	if (!proc)
		die("/proc");
	while ((e = readdir(proc))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (f.n == cap) {
			cap = cap ? cap * 2 : 1024;
			f.pids = realloc(f.pids, cap * sizeof(*f.pids));
			if (!f.pids)
				die("realloc");
		}
		f.pids[f.n++] = atoi(e->d_name);
	}
	closedir(proc);
	for (; started < threads - 1 && started < 8; started++)
		if (pthread_create(&helper[started], NULL, read_some, &f) != 0)
			break;
	read_some(&f);
	for (int i = 0; i < started; i++)
		pthread_join(helper[i], NULL);
	printf("%lu links, %lu sockets\n", atomic_load(&f.links), atomic_load(&f.sockets));
	free(f.pids);
	return 0;
}

/* The floor of socket lookup: one sock_diag dump per family, filtered by port in the kernel. */
static int netlink(unsigned port)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	unsigned found = 0;
	static char buf[32768];

	if (fd < 0)
		die("netlink");
	for (int fam = 0; fam < 2; fam++) {
		struct {
			struct nlmsghdr nlh;
			struct inet_diag_req_v2 r;
			struct nlattr a;
			struct inet_diag_bc_op op[4];
		} req = {0};
		bool done = false;

		req.nlh.nlmsg_len = sizeof(req);
		req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		req.r.sdiag_family = fam ? AF_INET6 : AF_INET;
		req.r.sdiag_protocol = IPPROTO_TCP;
		req.r.idiag_states = ~0u;
		req.r.id.idiag_sport = htons(port);
		req.a.nla_len = sizeof(req.a) + sizeof(req.op);
		req.a.nla_type = INET_DIAG_REQ_BYTECODE;
		req.op[0] = (struct inet_diag_bc_op){INET_DIAG_BC_S_GE, 8, 20};
		req.op[1].no = (unsigned short)port;
		req.op[2] = (struct inet_diag_bc_op){INET_DIAG_BC_S_LE, 8, 12};
		req.op[3].no = (unsigned short)port;
		if (send(fd, &req, sizeof(req), 0) < 0)
			die("send");
		while (!done) {
			ssize_t len = recv(fd, buf, sizeof(buf), 0);
			if (len <= 0)
				die("recv");
			for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
			     h = NLMSG_NEXT(h, len)) {
				if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
					done = true;
					break;
				}
				found++;
			}
		}
	}
	close(fd);
	printf("%u sockets on port %u\n", found, port);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "hold") == 0)
		return hold(argc - 2, argv + 2);
	if (argc == 2 && strcmp(argv[1], "readlinks") == 0)
		return readlinks(1);
	if (argc == 3 && strcmp(argv[1], "readlinks") == 0)
		return readlinks(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "netlink") == 0)
		return netlink((unsigned)atoi(argv[2]));
	fprintf(stderr, "usage: busyport hold ... | readlinks [THREADS] | netlink PORT\n");
	return 2;
}
