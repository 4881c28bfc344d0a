/* cmd_port.c: errwhy port: who holds a port, waiting for it, and finding a free one; --kill
 * is in cmd_port_kill.c. Parsing and the conversation with the user; the work is liberrwhy's. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "port.h"

static const char usage_text[] =
	"Usage: errwhy port PORT [--tcp|--udp] [--json] [--all-holders] [--strict]\n"
	"       errwhy port PORT --wait [--timeout SECONDS] [--strict]\n"
	"       errwhy port PORT --kill [--signal TERM] [--timeout 10] [--yes] [--force-managed]\n"
	"       errwhy port --free [--range LO-HI] [--tcp|--udp]\n"
	"\n"
	"Who holds PORT in this network namespace: every TCP and UDP socket bound to it, IPv4\n"
	"and IPv6, the processes holding each (pid, command line, user, start time, and the\n"
	"systemd unit, container or terminal responsible), and a verdict for each protocol:\n"
	"in use, connections only, TIME_WAIT only, or free.\n"
	"\n"
	"  --tcp, --udp       only this protocol (default: both)\n"
	"  --json             the report as JSON\n"
	"  --all-holders      read every process, to list all that share a socket (the\n"
	"                     default stops at the first holder of each socket)\n"
	"  --strict           judge as a server that does not set SO_REUSEADDR, which\n"
	"                     TIME_WAIT sockets and open connections block\n"
	"  --wait             block until a server could bind PORT (for the protocols in\n"
	"                     use, unless --tcp or --udp says); progress on a terminal\n"
	"  --timeout SECONDS  give up waiting after this long (--wait: default never);\n"
	"                     with --kill, how long after the signal to send SIGKILL (10);\n"
	"                     0 to 10000000\n"
	"  --kill             stop every process holding PORT: the signal first, SIGKILL\n"
	"                     after the timeout. Never PID 1, errwhy or its ancestors, and\n"
	"                     never when some process could not be read. Asks on a\n"
	"                     terminal; elsewhere refuses unless --yes\n"
	"  --signal SIG       the first signal for --kill: TERM (default), INT, HUP, 10,\n"
	"                     RTMIN+2, ... (any signal but glibc's internal 32 and 33)\n"
	"  --yes, -y          do not ask before --kill\n"
	"  --force-managed    let --kill stop a holder that a systemd service or a\n"
	"                     container runs (by default errwhy refuses and names the\n"
	"                     stop command to use instead)\n"
	"  --settle SECONDS   after --kill, watch this long for a holder that something\n"
	"                     starts again (default 1.5)\n"
	"  --free             print a port free now on IPv4 and IPv6 (no TIME_WAIT either)\n"
	"  --range LO-HI      with --free: the lowest free port in LO-HI (default: one the\n"
	"                     kernel picks from its ephemeral range)\n"
	"  --color WHEN       auto, always or never\n"
	"\n"
	"Exit status:\n"
	"  0  a server could bind the port now: nothing is bound, or only TIME_WAIT sockets\n"
	"     or connections that a server setting SO_REUSEADDR can bind past (never with\n"
	"     --strict); --wait: that came about; --kill: the port is free afterwards;\n"
	"     --free: a port was found\n"
	"  1  in use, or it could not be told (a trial bind needs privilege); --wait timed\n"
	"     out; --kill was refused, not confirmed, or left the port unbindable (or the\n"
	"     holder came back); --free found no free port in the range\n"
	"  2  the command line is wrong\n"
	"  3  the system refused something errwhy needed (netlink, libmnl.so.0, memory,\n"
	"     writing the answer)\n";

enum {
	OPT_TCP = 256, OPT_UDP, OPT_JSON, OPT_ALL, OPT_STRICT, OPT_WAIT, OPT_TIMEOUT, OPT_KILL,
	OPT_SIGNAL, OPT_FREE, OPT_RANGE, OPT_COLOR, OPT_FORCE_MANAGED, OPT_SETTLE
};

/* The longest --timeout: ten million seconds (115 days), far past any wait a person means. */
#define MAX_TIMEOUT 1e7

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ew_cli_vusage_error("errwhy port", fmt, ap);
	va_end(ap);
	return EW_EXIT_USAGE;
}

static int parse_seconds(const char *text, double max, double *out)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text || *end || !isfinite(v) || v < 0 || v > max)
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

static int take_port(const char *text, struct port_options *o)
{
	int r;

	if (o->have_port)
		return usage_error("one port at a time; '%s' is one too many", ew_cli_quote(text));
	r = ew_port_parse(text, &o->port);
	if (r == -ERANGE)
		return usage_error("port '%s' is out of range: ports are 1 to 65535",
				   ew_cli_quote(text));
	if (r < 0)
		return usage_error("'%s' is not a port number (1-65535)", ew_cli_quote(text));
	o->have_port = true;
	return 0;
}

/* The combinations that make no sense, found before any work is done. */
static int check_options(const struct port_options *o)
{
	if (o->wait + o->kill + o->free > 1)
		return usage_error("conflicting options: choose one of --wait, --kill and --free");
	if (o->free && o->have_port)
		return usage_error("--free finds a port; it takes no PORT");
	if (!o->free && !o->have_port)
		return usage_error("which port? Give a number 1-65535 (or --free)");
	if (o->have_range && !o->free)
		return usage_error("--range goes with --free");
	if (o->timeout >= 0 && !o->wait && !o->kill)
		return usage_error("--timeout goes with --wait or --kill");
	if (o->yes && !o->kill)
		return usage_error("--yes goes with --kill");
	if (o->have_signal && !o->kill)
		return usage_error("--signal goes with --kill");
	if (o->force_managed && !o->kill)
		return usage_error("--force-managed goes with --kill");
	if (o->have_settle && !o->kill)
		return usage_error("--settle goes with --kill");
	if (o->all_holders && (o->wait || o->free))
		return usage_error("--all-holders goes with a report or --kill");
	return 0;
}

static int parse_option(int c, const char *arg, struct port_options *o)
{
	switch (c) {
	case 'y': o->yes = true; break;
	case OPT_TCP: o->protos |= EW_PORT_TCP; break;
	case OPT_UDP: o->protos |= EW_PORT_UDP; break;
	case OPT_JSON: o->json = true; break;
	case OPT_ALL: o->all_holders = true; break;
	case OPT_STRICT: o->strict = true; break;
	case OPT_WAIT: o->wait = true; break;
	case OPT_KILL: o->kill = true; break;
	case OPT_FREE: o->free = true; break;
	case OPT_FORCE_MANAGED: o->force_managed = true; break;
	case OPT_TIMEOUT:
		if (parse_seconds(arg, MAX_TIMEOUT, &o->timeout) < 0)
			return usage_error("--timeout takes seconds from 0 to 10000000, not '%s'",
					   ew_cli_quote(arg));
		break;
	case OPT_SETTLE:
		if (parse_seconds(arg, 3600, &o->settle) < 0)
			return usage_error("--settle takes seconds from 0 to 3600, not '%s'",
					   ew_cli_quote(arg));
		o->have_settle = true;
		break;
	case OPT_SIGNAL:
		o->signal = ew_signal_parse(arg);
		if (o->signal < 0)
			return usage_error("unknown signal '%s' (try TERM, INT, HUP, KILL, a number "
					   "1-31 or 34-64, RTMIN+N)",
					   ew_cli_quote(arg));
		o->have_signal = true;
		break;
	case OPT_RANGE:
		if (parse_range(arg, &o->lo, &o->hi) < 0)
			return usage_error("--range takes LO-HI, two ports 1-65535 with LO <= HI, "
					   "not '%s'",
					   ew_cli_quote(arg));
		o->have_range = true;
		break;
	case OPT_COLOR:
		if (ew_cli_color_mode(arg) < 0)
			return usage_error("--color takes auto, always or never, not '%s'",
					   ew_cli_quote(arg));
		o->color = (enum ew_color_mode)ew_cli_color_mode(arg);
		break;
	}
	return 0;
}

/* ew_cli_parse_args() calls these with the options struct as ctx. */
static int operand(const char *arg, void *o)
{
	return take_port(arg, o);
}

static int option(int c, const char *value, void *o)
{
	return parse_option(c, value, o);
}

static int parse(int argc, char **argv, struct port_options *o)
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
		{"force-managed", no_argument, NULL, OPT_FORCE_MANAGED},
		{"settle", required_argument, NULL, OPT_SETTLE},
		{"free", no_argument, NULL, OPT_FREE},
		{"range", required_argument, NULL, OPT_RANGE},
		{"color", required_argument, NULL, OPT_COLOR},
		{"colour", required_argument, NULL, OPT_COLOR},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static const struct ew_cli_args args = {
		.command = "errwhy port", .shortopts = "y", .longopts = longopts,
		.usage = usage_text, .operand = operand, .option = option};
	int r;

	*o = (struct port_options){.timeout = -1, .settle = 1.5, .signal = SIGTERM,
				   .color = EW_COLOR_AUTO};
	if ((r = ew_cli_parse_args(&args, argc, argv, o)))
		return r;
	return check_options(o);
}

int port_fail(int err, const char *what)
{
	return ew_cli_fail(EW_EXIT_SYSTEM, "%s: %s", what, ew_port_strerror(err));
}

int port_exit_for(const struct ew_port_report *r, bool strict)
{
	return ew_port_can_bind(r, strict) == 1 ? EW_EXIT_OK : EW_EXIT_NO;
}

int port_build(const struct port_options *o, unsigned flags, struct ew_port_report **r)
{
	return ew_port_report_build(r, o->port, o->protos | flags);
}

double port_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ew_text_style style(const struct port_options *o)
{
	return (struct ew_text_style){.width = ew_cli_width(), .color = ew_cli_use_color(o->color)};
}

static int cmd_report(const struct port_options *o)
{
	struct ew_port_report *r;
	struct ew_text_style st = style(o);
	struct ew_buf b;
	int ret = port_build(o, o->all_holders ? EW_PORT_ALL_HOLDERS : 0, &r), code;

	if (ret < 0)
		return port_fail(ret, "cannot list the sockets");
	ew_buf_init(&b);
	if (o->json)
		ret = ew_render_port_json(&b, r, isatty(STDOUT_FILENO));
	else
		ret = ew_render_port_text(&b, r, &st);
	if (ret < 0)
		code = port_fail(ret, "cannot write the report");
	else if ((code = ew_cli_write(&b)) == EW_EXIT_OK)
		code = port_exit_for(r, o->strict);
	ew_buf_free(&b);
	ew_port_report_free(r);
	return code;
}

/* One line of progress on the terminal: what holds the port now, cut to the width at a
 * character boundary (the escapes in it are whole printable text). */
static void progress(const struct port_options *o, unsigned protos, double waited)
{
	struct port_options now = *o;
	struct ew_port_report *r;
	struct ew_buf line;
	unsigned width = ew_cli_width(), cols = 0;
	size_t cut = 0;

	now.protos = protos;
	if (port_build(&now, 0, &r) < 0)
		return;
	ew_buf_init(&line);
	ew_buf_printf(&line, "waiting for port %u, %.0f s: ", o->port, waited);
	ew_render_port_verdict(&line, r);
	if (!line.failed) {
		for (; cut < line.len && cols + 1 < width; cut++)
			cols += ((unsigned char)line.data[cut] & 0xC0) != 0x80;
		while (cut < line.len && ((unsigned char)line.data[cut] & 0xC0) == 0x80)
			cut++;
		fprintf(stderr, "\r\033[K%.*s", (int)cut, line.data);
		fflush(stderr);
	}
	ew_buf_free(&line);
	ew_port_report_free(r);
}

/* After --wait gave up: what holds the port now, wrapped. */
static int say_still_held(const struct port_options *o, unsigned protos)
{
	struct port_options now = *o;
	struct ew_port_report *r;
	struct ew_text_style st = style(o);
	struct ew_buf b, lead;
	int code;

	now.protos = protos;
	ew_buf_init(&b);
	ew_buf_init(&lead);
	ew_buf_printf(&lead, "port %u is still not free after %g s: ", o->port, o->timeout);
	if (port_build(&now, 0, &r) == 0) {
		ew_render_port_verdict_wrapped(&b, lead.data, r, &st);
		ew_port_report_free(r);
	} else {
		ew_buf_printf(&b, "%s\n", lead.data);
	}
	code = ew_cli_write(&b);
	ew_buf_free(&b);
	ew_buf_free(&lead);
	return code == EW_EXIT_OK ? EW_EXIT_NO : code;
}

/* The protocols --wait is about: those asked, or else those the port is in use on now. */
static int wait_protos(const struct port_options *o, unsigned *protos)
{
	struct ew_port_report *r;
	int ret;

	*protos = o->protos;
	if (o->protos)
		return 0;
	ret = port_build(o, EW_PORT_NO_HOLDERS, &r);
	if (ret < 0)
		return ret;
	*protos = (r->tcp != EW_PORT_FREE ? EW_PORT_TCP : 0) |
		  (r->udp != EW_PORT_FREE ? EW_PORT_UDP : 0);
	if (!*protos)
		*protos = EW_PORT_TCP | EW_PORT_UDP;
	ew_port_report_free(r);
	return 0;
}

static const char *protos_label(unsigned protos)
{
	return protos == EW_PORT_TCP ? " (TCP)" : protos == EW_PORT_UDP ? " (UDP)" : "";
}

static int cmd_wait(const struct port_options *o)
{
	bool tty = isatty(STDERR_FILENO);
	double start = port_now(), last_progress = -10;
	struct port_options now = *o;
	unsigned protos;
	int ret = wait_protos(o, &protos);

	if (ret < 0)
		return port_fail(ret, "cannot tell whether the port is free");
	now.protos = protos;
	for (;;) {
		double waited = port_now() - start;
		struct ew_port_report *r;

		/* The same judgement as errwhy port's exit status, without the /proc scan. */
		ret = port_build(&now, EW_PORT_NO_HOLDERS, &r);
		if (ret < 0) {
			if (tty)
				fputs("\r\033[K", stderr);
			return port_fail(ret, "cannot tell whether the port is free");
		}
		ret = ew_port_can_bind(r, o->strict);
		ew_port_report_free(r);
		if (ret == 1) {
			if (tty)
				fputs("\r\033[K", stderr);
			printf("port %u%s can be bound now (waited %.1f s)\n", o->port,
			       protos_label(protos), waited);
			return EW_EXIT_OK;
		}
		if (o->timeout >= 0 && waited >= o->timeout)
			break;
		if (tty && waited - last_progress >= 1) {
			progress(o, protos, waited);
			last_progress = waited;
		}
		/* A query is cheap; ten a second notice a freed port soon enough. */
		usleep(100000);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	return say_still_held(o, protos);
}

static int cmd_free(const struct port_options *o)
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
		return port_fail(ret, "cannot look for a free port");
	/* A failed write is caught where stdout is flushed, in main(). */
	if (o->json)
		printf("{\"port\":%u}\n", port);
	else
		printf("%u\n", port);
	return EW_EXIT_OK;
}

int ew_cmd_port(int argc, char **argv)
{
	struct port_options o;
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
		return port_cmd_kill(&o);
	return cmd_report(&o);
}
