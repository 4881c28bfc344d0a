/* dns.c: a resolver world for the EAI_* reproductions: private network and mount namespaces,
 * our own resolv.conf and nsswitch.conf, and a DNS responder on 127.0.0.1:53 that gives every
 * query the same answer code. No query can leave: the namespace has nothing but lo. */
#include "child.h"

/* The header of a DNS message (RFC 1035 4.1.1), all fields in network order. */
#define DNS_HEADER 12
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_OPCODE_MASK 0x7800

/* Writes text to path in the private directory, replacing it. 0 or EW_REPRO_FAIL. */
static int write_private(struct ew_repro *r, const char *name, const char *text)
{
	char path[PATH_MAX + 32]; /* the directory and one short name */
	int fd;
	size_t n = strlen(text);

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ew_repro_fail(r, "creating %s", path);
	if (write(fd, text, n) != (ssize_t)n) {
		close(fd);
		return ew_repro_fail(r, "writing %s", path);
	}
	close(fd);
	return 0;
}

/* Bind-mounts the private directory's file name over target, so that every lookup in this
 * mount namespace reads ours. 0 or EW_REPRO_FAIL. */
static int cover(struct ew_repro *r, const char *name, const char *target)
{
	char path[PATH_MAX + 32]; /* the directory and one short name */

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	if (mount(path, target, NULL, MS_BIND, NULL) < 0)
		return ew_repro_fail(r, "bind-mounting %s over %s", path, target);
	return 0;
}

/* The length of the header and first question of a query of len bytes, or 0 when it is not
 * one we can answer (no question, a name running past the end, compression in a query). */
static size_t question_end(const unsigned char *q, size_t len)
{
	size_t at = DNS_HEADER;

	if (len < DNS_HEADER || ((q[4] << 8) | q[5]) == 0)
		return 0;
	while (at < len && q[at] != 0) {
		if (q[at] & 0xc0)
			return 0;
		at += 1 + q[at];
	}
	at += 1 + 4; /* the root label, then QTYPE and QCLASS */
	return at <= len ? at : 0;
}

/* The responder's life: answer every query on fd with rcode, echoing its ID and question and
 * giving no records, until the runner kills the process group. */
static _Noreturn void respond(int fd, int rcode)
{
	unsigned char msg[512];

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(fd, msg, sizeof(msg), 0, (struct sockaddr *)&from, &fromlen);
		size_t end;
		unsigned flags;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		end = question_end(msg, (size_t)n);
		if (end == 0)
			continue;
		flags = (msg[2] << 8) | msg[3];
		flags = DNS_FLAG_QR | (flags & (DNS_OPCODE_MASK | DNS_FLAG_RD)) | DNS_FLAG_RA |
			(unsigned)(rcode & 0xf);
		msg[2] = flags >> 8;
		msg[3] = flags & 0xff;
		msg[4] = 0; /* one question, no answer, authority or additional records */
		msg[5] = 1;
		memset(msg + 6, 0, 6);
		sendto(fd, msg, end, 0, (struct sockaddr *)&from, fromlen);
	}
}

/* Starts the responder: the socket is bound here, before the fork, so that it is ready before
 * the body sends its first query. 0 or EW_REPRO_FAIL. */
static int start_responder(struct ew_repro *r, int rcode)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	if (fd < 0)
		return ew_repro_fail(r, "socket(AF_INET, SOCK_DGRAM)");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return ew_repro_fail(r, "bind(127.0.0.1:53) in the private network namespace");
	}
	pid = fork();
	if (pid < 0) {
		close(fd);
		return ew_repro_fail(r, "fork");
	}
	if (pid == 0)
		respond(fd, rcode);
	close(fd);
	ew_repro_step(r, "a DNS server on 127.0.0.1:53 answers every query with RCODE %d", rcode);
	return 0;
}

/* Binds 127.0.0.1:53 and never reads: a query waits for the resolver's timeout (1 s), which
 * keeps an asynchronous lookup in progress while the body looks at it. The socket stays open
 * until the child exits. 0 or EW_REPRO_FAIL. */
static int start_silent(struct ew_repro *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return ew_repro_fail(r, "socket(AF_INET, SOCK_DGRAM)");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return ew_repro_fail(r, "bind(127.0.0.1:53) in the private network namespace");
	}
	ew_repro_step(r, "a DNS server on 127.0.0.1:53 that never answers");
	return 0;
}

int ew_repro_resolver(struct ew_repro *r, int rcode)
{
	/* attempts:1 timeout:1: our server answers at once, and with none a refused port is
	 * seen at once too; glibc's defaults (2 attempts, 5 s) only matter if that breaks. */
	static const char resolv[] = "nameserver 127.0.0.1\noptions attempts:1 timeout:1\n";
	/* files before dns, as Debian ships it; no nss-resolve, nss-myhostname or mdns, which
	 * would answer from somewhere else than our server. */
	static const char nsswitch[] = "hosts: files dns\n";
	int e;

	if ((e = ew_repro_netns(r)) != 0 || (e = ew_repro_mountns(r)) != 0)
		return e;
	if ((e = write_private(r, "resolv.conf", resolv)) != 0 ||
	    (e = write_private(r, "nsswitch.conf", nsswitch)) != 0 ||
	    (e = cover(r, "resolv.conf", "/etc/resolv.conf")) != 0 ||
	    (e = cover(r, "nsswitch.conf", "/etc/nsswitch.conf")) != 0)
		return e;
	/* With nscd running, glibc asks it first (through /run/nscd/socket), and nscd would
	 * ask the real servers: an empty directory over its own hides it. */
	if (access("/run/nscd", F_OK) == 0 &&
	    mount("none", "/run/nscd", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") < 0)
		return ew_repro_fail(r, "hiding nscd's socket");
	/* glibc lets the environment change the resolver: a search list (LOCALDOMAIN), options
	 * (RES_OPTIONS), aliases for names (HOSTALIASES). None of the caller's may apply. */
	unsetenv("LOCALDOMAIN");
	unsetenv("RES_OPTIONS");
	unsetenv("HOSTALIASES");
	ew_repro_step(r, "resolv.conf: nameserver 127.0.0.1; nsswitch.conf: hosts: files dns");
	if (rcode == EW_REPRO_DNS_SILENT)
		return start_silent(r);
	if (rcode < 0) {
		ew_repro_step(r, "no DNS server listens on 127.0.0.1:53");
		return 0;
	}
	return start_responder(r, rcode);
}

void ew_repro_signal_nop(int sig)
{
	(void)sig;
}
