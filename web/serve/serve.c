/* serve.c: errwhy-serve, the server behind `errwhy serve`: reads the options, builds every
 * page, listens, starts libmicrohttpd's thread pool and waits for SIGINT or SIGTERM to stop.
 * A separate program so that the errwhy command itself never loads libmicrohttpd. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "errwhy.h"
#include "cli.h"
#include "serve.h"

#define PREFIX "errwhy serve: "
/* Per connection: the request line and headers must fit (MHD answers 414 or 431 when they
 * do not). 32 KiB holds a query of EW_ANSWER_MAX_QUERY bytes escaped as %XX (24 KiB) with
 * a browser's headers. No more: MHD clears the whole pool for each request on a kept-alive
 * connection (at 64 KiB that memset was a sixth of the server's CPU time under wrk). */
#define MEMORY_LIMIT (32 * 1024)
#define BACKLOG 1024

struct options {
	const char *listen;
	bool public_ok, verbose, selftest;
	unsigned idle_timeout, max_connections, max_per_ip, threads;
};

static atomic_bool started;
static bool verbose;

/* libmicrohttpd's own messages: shown while starting (why it could not), then only with
 * --verbose, as a misbehaving client would otherwise fill the terminal. */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt,
							   va_list ap)
{
	(void)cls;
	if (!fmt || (atomic_load(&started) && !verbose))
		return;
	fputs(PREFIX "libmicrohttpd: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

/* The command line's own words go through ew_cli_quote(), as in every errwhy subcommand:
 * an argument could carry a terminal's escape sequences. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ew_cli_vusage_error("errwhy serve", fmt, ap);
	va_end(ap);
	return SERVE_EXIT_USAGE;
}

static int parse_count(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*text || strspn(text, "0123456789") != strlen(text))
		return -EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || v > max)
		return -ERANGE;
	*out = (unsigned)v;
	return 0;
}

static unsigned cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	return 1;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{"listen", required_argument, NULL, 'l'},
		{"public", no_argument, NULL, 'P'},
		{"idle-timeout", required_argument, NULL, 't'},
		{"max-connections", required_argument, NULL, 'c'},
		{"max-per-ip", required_argument, NULL, 'i'},
		{"threads", required_argument, NULL, 'T'},
		{"verbose", no_argument, NULL, 'v'},
		{"selftest", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int ch;

	/* 128 from one address: a load tool's 100 connections (wrk -c100) and a browser's
	 * dozen fit, and still no single address takes every one of the 512. */
	*o = (struct options){.listen = "127.0.0.1:8080", .idle_timeout = 10,
			      .max_connections = 512, .max_per_ip = 128, .threads = cpus()};
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+l:h", longs, NULL)) != -1) {
		unsigned *n = ch == 't' ? &o->idle_timeout : ch == 'c' ? &o->max_connections
					: ch == 'i' ? &o->max_per_ip : ch == 'T' ? &o->threads : NULL;
		if (n && parse_count(optarg, ch == 'T' ? 64 : 1000000, n) < 0)
			return usage_error("not a count in range: '%s'", ew_cli_quote(optarg));
		switch (ch) {
		case 'l': o->listen = optarg; break;
		case 'P': o->public_ok = true; break;
		case 'v': o->verbose = true; break;
		case 'S': o->selftest = true; o->listen = "127.0.0.1:0"; break;
		case 'h':
			puts("errwhy-serve: the web server behind 'errwhy serve'; see 'errwhy serve --help'.");
			return -1;
		case 't': case 'c': case 'i': case 'T': break;
		default:
			return usage_error("unknown option '%s'", ew_cli_quote(argv[optind - 1]));
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", ew_cli_quote(argv[optind]));
	if (o->threads == 0 || o->max_connections == 0 || o->max_per_ip == 0)
		return usage_error("%s", "--threads, --max-connections and --max-per-ip are at least 1");
	return 0;
}

/* Why bind() failed, in errwhy's words: who holds the port, or what a privileged port needs,
 * and what to run instead. */
static void explain_listen_error(const struct serve_addr *a, int err)
{
	const char *name = ew_repro_errno_name(-err);
	struct ew_port_report *r = NULL;
	struct ew_text_style st = {.width = 80};
	struct ew_buf b;

	fprintf(stderr, PREFIX "cannot listen on %s:%u: %s (%s)\n", a->host, a->port,
		strerror(-err), name ? name : "?");
	if (a->port != 0 && (err == -EADDRINUSE || err == -EACCES))
		ew_port_report_build(&r, a->port, EW_PORT_TCP);
	ew_buf_init(&b);
	if (err == -EADDRINUSE && r && ew_render_port_text(&b, r, &st) == 0 && !b.failed)
		fprintf(stderr, "\n%s\n", b.data);
	if (err == -EADDRINUSE)
		fprintf(stderr, "hint: 'errwhy serve --listen %s:0' takes any free port;\n"
			"      'errwhy port --free' prints one\n", a->host);
	if (err == -EACCES)
		fprintf(stderr, "Ports below %d need root or CAP_NET_BIND_SERVICE "
			"(net.ipv4.ip_unprivileged_port_start).\nhint: 'errwhy serve --listen %s:8080', "
			"or any port from %d up\n", r && r->unprivileged_port_start > 0
			? r->unprivileged_port_start : 1024, a->host,
			r && r->unprivileged_port_start > 0 ? r->unprivileged_port_start : 1024);
	if (err == -EADDRNOTAVAIL)
		fprintf(stderr, "hint: %s is not an address of this machine; 127.0.0.1 is\n", a->host);
	ew_buf_free(&b);
	ew_port_report_free(r);
}

/* Enough descriptors for every connection the limit allows, if the hard limit lets us. */
static void raise_fd_limit(unsigned connections)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)connections + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static struct MHD_Daemon *start_daemon(const struct options *o, int fd, struct serve_ctx *ctx)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;

	return MHD_start_daemon(flags, 0, NULL, NULL, serve_handle, ctx,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, or MHD logs on its own */
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_UNESCAPE_CALLBACK, serve_unescape, NULL,
		MHD_OPTION_THREAD_POOL_SIZE, o->threads,
		MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
		MHD_OPTION_STRICT_FOR_CLIENT, 1,
		MHD_OPTION_END);
}

/* Blocks until SIGINT or SIGTERM; every thread has them blocked, so this is where they go. */
static int wait_for_stop(const sigset_t *set)
{
	int sig = 0;

	while (sigwait(set, &sig) != 0)
		;
	return sig;
}

static int serve(const struct options *o, struct serve_addr *a, const sigset_t *set)
{
	struct site site;
	struct serve_ctx ctx = {.site = &site};
	struct MHD_Daemon *d = NULL;
	int fd = -1, r, status = SERVE_EXIT_SYSTEM, failures = 0;
	bool tester = false;

	if ((r = site_build(&site)) < 0) {
		fprintf(stderr, PREFIX "cannot build the pages: %s\n", strerror(-r));
		goto out;
	}
	if ((fd = serve_listen(a, BACKLOG)) < 0) {
		explain_listen_error(a, fd);
		status = SERVE_EXIT_LISTEN;
		goto out;
	}
	if (!(d = start_daemon(o, fd, &ctx))) {
		fprintf(stderr, PREFIX "libmicrohttpd did not start\n");
		goto out;
	}
	atomic_store(&started, true);
	fprintf(stderr, PREFIX "http://%s:%u/ (%zu pages; Ctrl-C stops)\n", a->host, a->port,
		site.n - 1);
	if (o->selftest && selftest_start(&site, a->port, &failures) == 0)
		tester = true;
	else if (o->selftest)
		failures = 1;
	wait_for_stop(set);
	/* No new connections from here; then the running ones end and the threads join. */
	/* After a quiesce the listening socket is ours to close; without one MHD closes it. */
	if (MHD_quiesce_daemon(d) == MHD_INVALID_SOCKET)
		fd = -1;
	MHD_stop_daemon(d);
	d = NULL;
	if (tester)
		selftest_join();
	fputs(PREFIX "stopped\n", stderr);
	status = failures ? SERVE_EXIT_LISTEN : SERVE_EXIT_OK;
	if (failures)
		fprintf(stderr, PREFIX "selftest: %d checks failed\n", failures);
out:
	if (fd >= 0)
		close(fd);
	site_free(&site);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	struct serve_addr a;
	const char *why;
	sigset_t set;
	int r;

	if ((r = parse_options(argc, argv, &o)) != 0)
		return r < 0 ? SERVE_EXIT_OK : r;
	verbose = o.verbose;
	if (serve_addr_parse(o.listen, &a, &why) < 0) {
		return usage_error("cannot read --listen '%s': %s", ew_cli_quote(o.listen), why);
	}
	if (!a.loopback && !o.public_ok) {
		fprintf(stderr, PREFIX "%s is not a loopback address: other machines could reach "
			"the server; add --public if that is meant\nTry 'errwhy serve --help'.\n", a.host);
		return SERVE_EXIT_USAGE;
	}
	if (!a.loopback)
		fprintf(stderr, PREFIX "warning: listening on %s, reachable from other machines\n",
			a.host);
	/* Blocked before libmicrohttpd makes its threads, which inherit the mask: the signals
	 * then wait for sigwait() in main rather than interrupt a worker. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(o.max_connections);
	return serve(&o, &a, &set);
}
