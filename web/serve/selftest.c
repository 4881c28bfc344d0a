/* selftest.c: errwhy-serve --selftest: the server asks itself for every page it built, and
 * for each kind of special answer, over a real loopback connection, then stops itself with
 * SIGTERM the way a user would. Made for valgrind and the sanitizers, which then see the whole
 * life of the server: start-up, requests on the pool's threads, shutdown and the last free. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "errwhy.h"
#include "serve.h"

struct reply {
	unsigned status;
	struct ew_buf raw; /* the whole response */
	size_t body_len;   /* what follows the blank line */
};

static struct {
	const struct site *site;
	uint16_t port;
	int *failures;
	pthread_t thread;
} t;

static int connect_self(void)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(t.port)};
	struct timeval tv = {.tv_sec = 60}; /* generous: valgrind makes the server slow */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&in, sizeof(in)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* One request on its own connection (Connection: close), read to the end. */
static int request(const char *method, const char *target, const char *headers,
		   struct reply *rep)
{
	char buf[16384];
	struct ew_buf req;
	int fd = connect_self();
	ssize_t n;
	const char *end;

	ew_buf_init(&rep->raw);
	rep->status = 0;
	if (fd < 0)
		return fd;
	ew_buf_init(&req);
	ew_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n",
		      method, target, headers ? headers : "");
	if (req.failed || send(fd, req.data, req.len, MSG_NOSIGNAL) != (ssize_t)req.len) {
		ew_buf_free(&req);
		close(fd);
		return -EIO;
	}
	ew_buf_free(&req);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		ew_buf_append(&rep->raw, buf, (size_t)n);
	close(fd);
	if (rep->raw.failed || !rep->raw.data || sscanf(rep->raw.data, "HTTP/1.1 %u", &rep->status) != 1)
		return -EPROTO;
	end = strstr(rep->raw.data, "\r\n\r\n");
	rep->body_len = end ? rep->raw.len - (size_t)(end + 4 - rep->raw.data) : 0;
	return 0;
}

static bool has_header(const struct reply *rep, const char *line)
{
	return rep->raw.data && strstr(rep->raw.data, line) != NULL;
}

static void check(bool ok, const char *what, const char *target)
{
	if (ok)
		return;
	(*t.failures)++;
	fprintf(stderr, "errwhy serve: selftest: %s: %s\n", target, what);
}

/* A request expected to answer status with a body of body_len bytes (SIZE_MAX: any), and a
 * header line when want is not NULL. */
static void expect(const char *method, const char *target, const char *headers,
		   unsigned status, size_t body_len, const char *want)
{
	struct reply rep;
	char what[128];

	if (request(method, target, headers, &rep) < 0) {
		check(false, "no answer", target);
		ew_buf_free(&rep.raw);
		return;
	}
	snprintf(what, sizeof(what), "status %u, expected %u", rep.status, status);
	check(rep.status == status, what, target);
	check(body_len == SIZE_MAX || rep.body_len == body_len, "body length", target);
	check(has_header(&rep, "\r\nContent-Security-Policy: default-src 'none';"), "no CSP", target);
	check(!want || has_header(&rep, want), want ? want : "", target);
	ew_buf_free(&rep.raw);
}

static void every_page(void)
{
	char inm[64];

	for (size_t i = 0; i < t.site->n; i++) {
		const struct page *p = &t.site->pages[i];
		if (p == t.site->not_found)
			continue;
		expect("GET", p->path, NULL, 200, p->plain.len, NULL);
		expect("GET", p->path, "Accept-Encoding: gzip\r\n", 200, p->gz.len,
		       "\r\nContent-Encoding: gzip\r\n");
		snprintf(inm, sizeof(inm), "If-None-Match: %s\r\n", p->plain.etag);
		expect("GET", p->path, inm, 304, 0, NULL);
	}
}

static void special_cases(void)
{
	const struct page *root = site_find(t.site, "/", 1);

	expect("HEAD", "/", NULL, 200, 0, NULL);
	expect("GET", "/", "Accept-Encoding: gzip;q=0\r\n", 200, root ? root->plain.len : 0, NULL);
	expect("GET", "/errno/eaddrinuse", NULL, 301, 0, "\r\nLocation: /errno/EADDRINUSE\r\n");
	expect("GET", "/errno/98", NULL, 301, 0, "\r\nLocation: /errno/EADDRINUSE\r\n");
	expect("GET", "/api/v1/errors/0x62", NULL, 301, 0,
	       "\r\nLocation: /api/v1/errors/EADDRINUSE\r\n");
	/* Every family has its directory, and redirects within it (ew_lookup_in()). */
	expect("GET", "/signal/SIGKILL", NULL, 200, SIZE_MAX, NULL);
	expect("GET", "/exit/137", NULL, 200, SIZE_MAX, NULL);
	expect("GET", "/kernel/EPROBE_DEFER", NULL, 200, SIZE_MAX, NULL);
	expect("GET", "/resolver/EAI_NONAME", NULL, 200, SIZE_MAX, NULL);
	expect("GET", "/signal/9", NULL, 301, 0, "\r\nLocation: /signal/SIGKILL\r\n");
	expect("GET", "/signal/kill", NULL, 301, 0, "\r\nLocation: /signal/SIGKILL\r\n");
	expect("GET", "/signal/SIGIO", NULL, 301, 0, "\r\nLocation: /signal/SIGPOLL\r\n");
	expect("GET", "/exit/EXIT_EXEC", NULL, 301, 0, "\r\nLocation: /exit/203\r\n");
	expect("GET", "/exit/ex_usage", NULL, 301, 0, "\r\nLocation: /exit/64\r\n");
	expect("GET", "/resolver/-2", NULL, 301, 0, "\r\nLocation: /resolver/EAI_NONAME\r\n");
	expect("GET", "/kernel/517", NULL, 301, 0, "\r\nLocation: /kernel/EPROBE_DEFER\r\n");
	expect("GET", "/api/v1/errors/SIGKILL", NULL, 200, SIZE_MAX,
	       "\r\nContent-Type: application/json");
	expect("GET", "/api/v1/errors/137", NULL, 200, SIZE_MAX,
	       "\r\nContent-Type: application/json");
	expect("GET", "/nosuchfamily/X", NULL, 404, SIZE_MAX, NULL);
	expect("GET", "/signal/EADDRINUSE", NULL, 404, SIZE_MAX, NULL);
	expect("GET", "/errno/NOSUCHERROR", NULL, 404, SIZE_MAX, NULL);
	expect("GET", "/errno/EPERM%00.html", NULL, 404, SIZE_MAX, NULL);
	expect("GET", "/api/v1/nothing", NULL, 404, SIZE_MAX, "\r\nContent-Type: application/json");
	expect("POST", "/", "Content-Length: 0\r\n", 405, SIZE_MAX, "\r\nAllow: GET, HEAD\r\n");
	expect("GET", "/search?q=address+already+in+use", NULL, 200, SIZE_MAX, NULL);
	expect("GET", "/search?q=Error%3A+listen+EADDRINUSE%3A+address+already+in+use+%3A%3A%3A3000",
	       NULL, 200, SIZE_MAX, NULL);
	expect("GET", "/search?q=", NULL, 303, 0, "\r\nLocation: /\r\n");
	expect("GET", "/api/v1/identify?text=98", NULL, 200, SIZE_MAX, NULL);
	expect("GET", "/api/v1/identify", NULL, 400, SIZE_MAX, NULL);
}

static void *run(void *arg)
{
	(void)arg;
	every_page();
	special_cases();
	kill(getpid(), SIGTERM);
	return NULL;
}

int selftest_start(const struct site *s, uint16_t port, int *failures)
{
	t.site = s;
	t.port = port;
	t.failures = failures;
	return -pthread_create(&t.thread, NULL, run, NULL);
}

int selftest_join(void)
{
	return -pthread_join(t.thread, NULL);
}
