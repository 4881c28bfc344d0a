/* cmd_port.c: errwhy port: who holds a port, waiting for it, stopping its holders safely, and
 * finding a free one. Parsing and the conversation with the user; the work is liberrwhy's. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
	"Usage: errwhy port PORT [--tcp|--udp] [--json] [--all-holders] [--strict]\n"
	"       errwhy port PORT --wait [--timeout SECONDS] [--strict]\n"
	"       errwhy port PORT --kill [--signal TERM] [--timeout 10] [--yes]\n"
	"       errwhy port --free [--range LO-HI] [--tcp|--udp]\n"
	"\n"
	"Who holds PORT in this network namespace: every TCP and UDP socket bound to it, IPv4\n"
	"and IPv6, the processes holding each (pid, command line, user, start time, and the\n"
	"systemd unit, container or terminal responsible), and a verdict: in use, TIME_WAIT\n"
	"only, or free.\n"
	"\n"
	"  --tcp, --udp       only this protocol (default: both)\n"
	"  --json             the report as JSON\n"
	"  --all-holders      read every process, to list all that share a socket (the\n"
	"                     default stops at the first holder of each socket)\n"
	"  --strict           judge as a server that does not set SO_REUSEADDR, which\n"
	"                     TIME_WAIT sockets block\n"
	"  --wait             block until a server could bind PORT; progress on a terminal\n"
	"  --timeout SECONDS  give up waiting after this long (--wait: default never);\n"
	"                     with --kill, how long after the signal to send SIGKILL (10)\n"
	"  --kill             stop every process holding PORT: the signal first, SIGKILL\n"
	"                     after the timeout. Never PID 1, errwhy or its ancestors. Asks\n"
	"                     on a terminal; elsewhere refuses unless --yes\n"
	"  --signal SIG       the first signal for --kill: TERM (default), INT, HUP, ...\n"
	"  --yes, -y          do not ask before --kill\n"
	"  --free             print a port free now on IPv4 and IPv6 (no TIME_WAIT either)\n"
	"  --range LO-HI      with --free: the lowest free port in LO-HI (default: one the\n"
	"                     kernel picks from its ephemeral range)\n"
	"  --color WHEN       auto, always or never\n"
	"\n"
	"Exit status:\n"
	"  0  free (verdict free), or TIME_WAIT sockets alone that a server setting\n"
	"     SO_REUSEADDR can bind past (verdict time_wait); --wait: the port came free;\n"
	"     --kill: the port is free afterwards; --free: a port was found\n"
	"  1  in use (verdict in_use); TIME_WAIT that blocks the bind (with --strict, any);\n"
	"     --wait timed out; --kill was refused, not confirmed, or left the port\n"
	"     unbindable; --free found no free port in the range\n"
	"  2  the command line is wrong\n"
	"  3  the system refused something errwhy needed (netlink, /proc, libmnl.so.0)\n";

struct options {
	uint16_t port;
	bool have_port;
	unsigned protos;
	bool json, all_holders, strict, wait, kill, yes, free;
	double timeout; /* seconds; < 0 unset */
	int signal;
	uint16_t lo, hi;
	bool have_range;
	enum ew_color_mode color;
};

enum {
	OPT_TCP = 256, OPT_UDP, OPT_JSON, OPT_ALL, OPT_STRICT, OPT_WAIT, OPT_TIMEOUT, OPT_KILL,
	OPT_SIGNAL, OPT_FREE, OPT_RANGE, OPT_COLOR
};

/* A macro, so that -Wformat checks each message against its argument. */
#define usage_error(fmt, arg) ew_cli_usage_error("errwhy port", fmt, ew_cli_quote(arg))

/* "TERM", "SIGTERM", "term" or a number. */
static int parse_signal(const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*end == '\0' && end != text)
		return n > 0 && n < SIGRTMAX ? (int)n : -1;
	if (strncasecmp(text, "SIG", 3) == 0)
		text += 3;
	for (int s = 1; s < SIGRTMIN; s++) {
		const char *name = sigabbrev_np(s);
		if (name && strcasecmp(name, text) == 0)
			return s;
	}
	return -1;
}

static int parse_timeout(const char *text, double *out)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text || *end || !isfinite(v) || v < 0 || v > 1e7)
		return -1;
	*out = v;
	return 0;
}

static int parse_range(const char *text, uint16_t *lo, uint16_t *hi)
{
	char first[8];
	const char *dash = strchr(text, '-');

	if (!dash || (size_t)(dash - text) >= sizeof(first))
		return -1;
	memcpy(first, text, (size_t)(dash - text));
	first[dash - text] = '\0';
	if (ew_port_parse(first, lo) < 0 || ew_port_parse(dash + 1, hi) < 0 || *hi < *lo)
		return -1;
	return 0;
}

static int take_port(const char *text, struct options *o)
{
	int r;

	if (o->have_port)
		return usage_error("one port at a time; '%s' is one too many", text);
	r = ew_port_parse(text, &o->port);
	if (r < 0)
		return usage_error(r == -ERANGE ? "port '%s' is out of range: ports are 1 to 65535"
						: "'%s' is not a port number (1-65535)",
				   text);
	o->have_port = true;
	return 0;
}

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"tcp", no_argument, NULL, OPT_TCP},
		{"udp", no_argument, NULL, OPT_UDP},
		{"json", no_argument, NULL, OPT_JSON},
		{"all-holders", no_argument, NULL, OPT_ALL},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"wait", no_argument, NULL, OPT_WAIT},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"kill", no_argument, NULL, OPT_KILL},
		{"signal", required_argument, NULL, OPT_SIGNAL},
		{"yes", no_argument, NULL, 'y'},
		{"free", no_argument, NULL, OPT_FREE},
		{"range", required_argument, NULL, OPT_RANGE},
		{"color", required_argument, NULL, OPT_COLOR},
		{"colour", required_argument, NULL, OPT_COLOR},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c, mode;

	*o = (struct options){.timeout = -1, .signal = SIGTERM, .color = EW_COLOR_AUTO};
	optind = 1; /* argv[0] is "port"; nothing in errwhy runs getopt before this */
	opterr = 0;
	/* "+" makes getopt stop at an operand instead of permuting argv; the operand (PORT) is
	 * taken here and the options after it are parsed on. */
	while (optind < argc) {
		if (argv[optind][0] != '-' || argv[optind][1] == '\0') {
			int r = take_port(argv[optind++], o);
			if (r)
				return r;
			continue;
		}
		c = getopt_long(argc, argv, "+:hy", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case 'y':
			o->yes = true;
			break;
		case OPT_TCP:
			o->protos |= EW_PORT_TCP;
			break;
		case OPT_UDP:
			o->protos |= EW_PORT_UDP;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ALL:
			o->all_holders = true;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_WAIT:
			o->wait = true;
			break;
		case OPT_KILL:
			o->kill = true;
			break;
		case OPT_FREE:
			o->free = true;
			break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &o->timeout) < 0)
				return usage_error("--timeout takes seconds (a number >= 0), not '%s'",
						   optarg);
			break;
		case OPT_SIGNAL:
			o->signal = parse_signal(optarg);
			if (o->signal < 0)
				return usage_error("unknown signal '%s' (try TERM, INT, HUP, KILL)",
						   optarg);
			break;
		case OPT_RANGE:
			if (parse_range(optarg, &o->lo, &o->hi) < 0)
				return usage_error("--range takes LO-HI, two ports 1-65535 with LO <= HI, "
						   "not '%s'",
						   optarg);
			o->have_range = true;
			break;
		case OPT_COLOR:
			if (ew_cli_color_mode(optarg) < 0)
				return usage_error("--color takes auto, always or never, not '%s'",
						   optarg);
			o->color = (enum ew_color_mode)ew_cli_color_mode(optarg);
			break;
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) {
		int r = take_port(argv[optind], o);
		if (r)
			return r;
	}

	mode = o->wait + o->kill + o->free;
	if (mode > 1)
		return usage_error("%s: choose one of --wait, --kill and --free", "conflicting options");
	if (o->free && o->have_port)
		return usage_error("%s", "--free finds a port; it takes no PORT");
	if (!o->free && !o->have_port)
		return usage_error("%s", "which port? Give a number 1-65535 (or --free)");
	if (o->have_range && !o->free)
		return usage_error("%s", "--range goes with --free");
	if (o->timeout >= 0 && !o->wait && !o->kill)
		return usage_error("%s", "--timeout goes with --wait or --kill");
	if (o->yes && !o->kill)
		return usage_error("%s", "--yes goes with --kill");
	if (o->signal != SIGTERM && !o->kill)
		return usage_error("%s", "--signal goes with --kill");
	if (o->all_holders && (o->wait || o->free))
		return usage_error("%s", "--all-holders goes with a report or --kill");
	return 0;
}

static int fail_port(int err, const char *what)
{
	return ew_cli_fail(EW_EXIT_SYSTEM, "%s: %s", what, ew_port_strerror(err));
}

static int exit_for(const struct ew_port_report *r, bool strict)
{
	if (r->verdict == EW_PORT_IN_USE)
		return EW_EXIT_NO;
	/* TIME_WAIT left by a server that did not set SO_REUSEADDR blocks every bind. */
	if (r->verdict == EW_PORT_TIME_WAIT && (strict || r->bindable_reuse == 0))
		return EW_EXIT_NO;
	return EW_EXIT_OK;
}

static int build(const struct options *o, bool all, struct ew_port_report **r)
{
	return ew_port_report_build(r, o->port, o->protos | (all ? EW_PORT_ALL_HOLDERS : 0));
}

static int cmd_report(const struct options *o)
{
	struct ew_port_report *r;
	struct ew_text_style st = {.width = ew_cli_width(), .color = ew_cli_use_color(o->color)};
	struct ew_buf b;
	int ret = build(o, o->all_holders, &r), code;

	if (ret < 0)
		return fail_port(ret, "cannot list the sockets");
	ew_buf_init(&b);
	if (o->json)
		ew_render_port_json(&b, r, isatty(STDOUT_FILENO));
	else
		ew_render_port_text(&b, r, &st);
	code = ew_cli_write(&b);
	if (code == EW_EXIT_OK)
		code = exit_for(r, o->strict);
	ew_buf_free(&b);
	ew_port_report_free(r);
	return code;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether a server could bind now: the trial bind when allowed, else the report's verdict
 * (a port below ip_unprivileged_port_start refuses the trial to an ordinary user). */
static int could_bind(const struct options *o)
{
	struct ew_port_report *r;
	int ret = ew_port_bindable(o->port, o->protos, !o->strict);

	if (ret != -EACCES && ret != -EPERM)
		return ret;
	ret = build(o, false, &r);
	if (ret < 0)
		return ret;
	ret = exit_for(r, o->strict) == EW_EXIT_OK;
	ew_port_report_free(r);
	return ret;
}

/* One line of progress on the terminal: what holds the port now. */
static void progress(const struct options *o, double waited)
{
	struct ew_port_report *r;
	struct ew_buf line;
	unsigned width = ew_cli_width();

	if (build(o, false, &r) < 0)
		return;
	ew_buf_init(&line);
	ew_buf_printf(&line, "waiting for port %u, %.0f s: ", o->port, waited);
	ew_render_port_verdict(&line, r);
	if (!line.failed) {
		if (line.len >= width)
			line.len = width > 4 ? width - 4 : 0;
		fprintf(stderr, "\r\033[K%.*s", (int)line.len, line.data);
		fflush(stderr);
	}
	ew_buf_free(&line);
	ew_port_report_free(r);
}

/* After --wait gave up: what holds the port now. */
static void say_still_held(const struct options *o)
{
	struct ew_port_report *r;
	struct ew_buf b;

	ew_buf_init(&b);
	ew_buf_printf(&b, "port %u is still not free after %g s: ", o->port, o->timeout);
	if (build(o, false, &r) == 0) {
		ew_render_port_verdict(&b, r);
		ew_port_report_free(r);
	}
	ew_buf_putc(&b, '\n');
	ew_cli_write(&b);
	ew_buf_free(&b);
}

static int cmd_wait(const struct options *o)
{
	bool tty = isatty(STDERR_FILENO);
	double start = now_s(), last_progress = -10;
	int ret;

	for (;;) {
		double waited = now_s() - start;

		ret = could_bind(o);
		if (ret < 0) {
			if (tty)
				fputs("\r\033[K", stderr);
			return fail_port(ret, "cannot tell whether the port is free");
		}
		if (ret == 1) {
			if (tty)
				fputs("\r\033[K", stderr);
			printf("port %u can be bound now (waited %.1f s)\n", o->port, waited);
			return EW_EXIT_OK;
		}
		if (o->timeout >= 0 && waited >= o->timeout)
			break;
		if (tty && waited - last_progress >= 1) {
			progress(o, waited);
			last_progress = waited;
		}
		/* Binding is cheap; ten tries a second notice a freed port soon enough. */
		usleep(100000);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	say_still_held(o);
	return EW_EXIT_NO;
}

/* What to stop instead, when something restarts the holder; false if nothing is known. */
static bool restart_hint(struct ew_buf *b, const struct ew_port_holder *h, uint16_t port)
{
	if (h->proxy_to)
		ew_buf_printf(b, "It is docker-proxy, which forwards to the container at %s: stop "
				 "that container (docker ps --filter publish=%u; docker stop ID).\n",
			      h->proxy_to, port);
	else if (h->container_runtime && h->container_id)
		ew_buf_printf(b, "It runs in a %s container: %s stop %.12s\n", h->container_runtime,
			      strcmp(h->container_runtime, "podman") == 0 ? "podman" : "docker",
			      h->container_id);
	else if (h->unit && strstr(h->unit, ".service"))
		ew_buf_printf(b, "It belongs to the systemd unit %s, which restarts it: "
				 "systemctl%s stop %s\n",
			      h->unit, h->user_unit ? " --user" : "", h->unit);
	else
		return false;
	return true;
}

/* Asks on the terminal; true for y or yes. */
static bool confirm(const struct ew_port_report *r, int sig)
{
	char answer[16];
	const char *name = sigabbrev_np(sig);

	fprintf(stderr, "Send SIG%s to %zu process%s (", name ? name : "?", r->n_procs,
		r->n_procs > 1 ? "es" : "");
	for (size_t i = 0; i < r->n_procs; i++)
		fprintf(stderr, "%s%s %d", i ? ", " : "", r->procs[i]->comm, r->procs[i]->pid);
	fputs(")? [y/N] ", stderr);
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	answer[strcspn(answer, "\n")] = '\0';
	return strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0;
}

/* After the holders are gone: the port's state, and for a holder that came back, why. */
static int after_kill(const struct options *o, const struct ew_port_report *before,
		      struct ew_port_stop_result *res, struct ew_buf *b)
{
	struct ew_port_report *after = NULL;
	bool managed = false;
	double start = now_s();
	int ret;

	for (size_t i = 0; i < before->n_procs; i++)
		if (before->procs[i]->unit || before->procs[i]->container_runtime)
			managed = true;
	/* A unit with Restart= or a container's proxy comes back within moments: look again
	 * for a second before declaring the port free. */
	for (;;) {
		ret = build(o, true, &after);
		if (ret < 0)
			return fail_port(ret, "cannot list the sockets again");
		if (after->verdict == EW_PORT_IN_USE || !managed || now_s() - start > 1.0)
			break;
		ew_port_report_free(after);
		after = NULL;
		usleep(200000);
	}
	if (o->json) {
		ew_render_port_stop_json(b, res, before->n_procs, o->signal, after,
					 isatty(STDOUT_FILENO));
	} else {
		ew_render_port_stop_text(b, res, before->n_procs, o->signal);
		ew_buf_puts(b, "\nNow: ");
		ew_render_port_verdict(b, after);
		ew_buf_putc(b, '\n');
		if (after->verdict == EW_PORT_IN_USE) {
			bool told = false;
			/* Who holds it now says best what brings it back; else who held it. */
			for (size_t i = 0; i < after->n_procs && !told; i++)
				told = restart_hint(b, after->procs[i], o->port);
			for (size_t i = 0; i < before->n_procs && !told; i++)
				told = restart_hint(b, before->procs[i], o->port);
		}
	}
	ret = exit_for(after, o->strict);
	ew_port_report_free(after);
	return ret;
}

static int cmd_kill(const struct options *o)
{
	struct ew_port_report *r;
	struct ew_port_stop_result *res = NULL;
	struct ew_text_style st = {.width = ew_cli_width(), .color = ew_cli_use_color(o->color)};
	struct ew_buf b;
	double timeout = o->timeout >= 0 ? o->timeout : 10;
	bool json_out = false; /* b holds JSON: for stdout; else words, for stderr with --json */
	int ret, code = EW_EXIT_OK;

	/* Completeness matters here: every process is read, so none that shares the socket
	 * is left running. */
	ret = build(o, true, &r);
	if (ret < 0)
		return fail_port(ret, "cannot list the sockets");
	ew_buf_init(&b);
	if (r->n_procs == 0) {
		if (r->hidden_holders) {
			ew_buf_printf(&b, "cannot stop what holds port %u: the process belongs to "
					  "another user; run `sudo errwhy port %u --kill`\n",
				      o->port, o->port);
			code = EW_EXIT_NO;
		} else if (o->json) {
			ew_render_port_stop_json(&b, NULL, 0, o->signal, r, isatty(STDOUT_FILENO));
			json_out = true;
			code = exit_for(r, o->strict);
		} else {
			ew_buf_puts(&b, "nothing to stop: ");
			ew_render_port_verdict(&b, r);
			ew_buf_putc(&b, '\n');
			code = exit_for(r, o->strict);
		}
		goto out;
	}
	for (size_t i = 0; i < r->n_procs; i++) {
		const char *why;
		if (ew_port_may_signal(r->procs[i]->pid, &why) < 0) {
			ew_render_port_text(&b, r, &st);
			ew_buf_printf(&b, "\nrefusing to stop pid %d (%s): it is %s.\n",
				      r->procs[i]->pid, r->procs[i]->comm, why);
			if (r->procs[i]->pid == 1)
				ew_buf_printf(&b, "PID 1 holds the socket for a service it starts on "
						  "demand: stop the .socket unit (systemctl list-sockets "
						  "| grep %u).\n",
					      o->port);
			code = EW_EXIT_NO;
			goto out;
		}
	}
	if (!o->json)
		ew_render_port_text(&b, r, &st);
	if (!o->yes) {
		if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
			ew_buf_puts(&b, "\nrefusing to signal without --yes: there is no terminal to "
					"ask on\n");
			code = EW_EXIT_NO;
			goto out;
		}
		code = ew_cli_write(&b);
		b.len = 0;
		if (code != EW_EXIT_OK)
			goto out;
		if (!confirm(r, o->signal)) {
			ew_buf_puts(&b, "not confirmed; nothing was signalled\n");
			code = EW_EXIT_NO;
			goto out;
		}
	}
	res = calloc(r->n_procs, sizeof(*res));
	if (!res) {
		code = ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
		goto out;
	}
	ret = ew_port_stop(r, o->signal, (unsigned)(timeout * 1000), res);
	if (ret < 0) {
		code = fail_port(ret, "cannot stop the holders");
		goto out;
	}
	if (!o->json)
		ew_buf_putc(&b, '\n');
	code = after_kill(o, r, res, &b);
	json_out = o->json;
out:
	if (b.len && o->json && !json_out) {
		/* A refusal under --json: no JSON on stdout, the words on stderr. */
		fputs(b.data, stderr);
	} else if (b.len) {
		int w = ew_cli_write(&b);
		if (w != EW_EXIT_OK)
			code = w;
	}
	ew_buf_free(&b);
	free(res);
	ew_port_report_free(r);
	return code;
}

static int cmd_free(const struct options *o)
{
	uint16_t port;
	int ret = ew_port_find_free(o->have_range ? o->lo : 0, o->have_range ? o->hi : 0,
				    o->protos, &port);

	if (ret == -EADDRNOTAVAIL) {
		fprintf(stderr, "errwhy port: no port in %u-%u is free on both IPv4 and IPv6\n",
			o->lo, o->hi);
		return EW_EXIT_NO;
	}
	if (ret == -EACCES) {
		fprintf(stderr, "errwhy port: ports in %u-%u need privilege to bind "
				"(below net.ipv4.ip_unprivileged_port_start)\n",
			o->lo, o->hi);
		return EW_EXIT_NO;
	}
	if (ret < 0)
		return fail_port(ret, "cannot look for a free port");
	if (o->json)
		printf("{\"port\":%u}\n", port);
	else
		printf("%u\n", port);
	return fflush(stdout) == 0 ? EW_EXIT_OK : EW_EXIT_SYSTEM;
}

int ew_cmd_port(int argc, char **argv)
{
	struct options o;
	int r = parse(argc, argv, &o);

	if (r < 0)
		return EW_EXIT_OK; /* --help */
	if (r > 0)
		return r;
	if (o.free)
		return cmd_free(&o);
	if (o.wait)
		return cmd_wait(&o);
	if (o.kill)
		return cmd_kill(&o);
	return cmd_report(&o);
}
