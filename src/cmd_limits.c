/* cmd_limits.c: errwhy limits [PID] [--json]: where a process (by default the shell errwhy
 * was run from) stands against the limits behind EMFILE, ENFILE, ENOSPC, EAGAIN and ENOMEM. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"Usage: errwhy limits [PID] [--json]\n"
	"\n"
	"Where process PID (default: errwhy's parent, the shell) stands against the limits\n"
	"behind EMFILE, ENFILE, ENOSPC from inotify, EAGAIN from fork and ENOMEM from mmap:\n"
	"its open fds against RLIMIT_NOFILE (by kind, and the files held most); the\n"
	"system's open files against fs.file-max; its user's inotify instances and watches\n"
	"(and the processes holding the most); its user's threads against RLIMIT_NPROC and\n"
	"kernel.threads-max; its memory maps against vm.max_map_count. Each line says what\n"
	"would raise the limit. Only /proc is read; no limit is changed.\n"
	"\n"
	"  --json          the report as JSON\n"
	"  --color WHEN    auto, always or never\n"
	"  -h, --help      this text\n"
	"\n"
	"Exit status:\n"
	"  0  the report was made (what could not be read is said in it)\n"
	"  1  there is no process PID\n"
	"  2  the command line is wrong\n"
	"  3  the system refused something errwhy needed (memory, writing the answer)\n";

enum { OPT_JSON = 256, OPT_COLOR };

struct limits_options {
	int pid; /* 0: errwhy's parent */
	bool json;
	enum ew_color_mode color;
};

/* A macro, so that -Wformat checks each message against its argument. */
#define usage_error(fmt, arg) ew_cli_usage_error("errwhy limits", fmt, ew_cli_quote(arg))

static int take_pid(const char *text, struct limits_options *o)
{
	long pid;

	if (o->pid)
		return usage_error("one process at a time; '%s' is one too many", text);
	if (text[0] < '0' || text[0] > '9' || ew_number_parse(text, &pid) < 0 || pid < 1 ||
	    pid > INT32_MAX)
		return usage_error("'%s' is not a process id (a number from 1 up)", text);
	o->pid = (int)pid;
	return 0;
}

static int parse_option(int c, const char *value, struct limits_options *o)
{
	if (c == OPT_JSON) {
		o->json = true;
	} else if (c == OPT_COLOR) {
		if (ew_cli_color_mode(value) < 0)
			return usage_error("--color takes auto, always or never, not '%s'", value);
		o->color = (enum ew_color_mode)ew_cli_color_mode(value);
	}
	return 0;
}

/* ew_cli_parse_args() calls these with the options struct as ctx. */
static int operand(const char *arg, void *o)
{
	return take_pid(arg, o);
}

static int option(int c, const char *value, void *o)
{
	return parse_option(c, value, o);
}

static int parse_args(int argc, char **argv, struct limits_options *o)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"color", required_argument, NULL, OPT_COLOR},
		{"colour", required_argument, NULL, OPT_COLOR},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static const struct ew_cli_args args = {
		.command = "errwhy limits", .shortopts = "", .longopts = longopts,
		.usage = usage_text, .operand = operand, .option = option};
	int r;

	if ((r = ew_cli_parse_args(&args, argc, argv, o)))
		return r;
	return 0;
}

int ew_cmd_limits(int argc, char **argv)
{
	struct limits_options o = {.color = EW_COLOR_AUTO};
	struct ew_limits_report *r;
	struct ew_text_style st;
	struct ew_buf out;
	int e, status;

	if ((e = parse_args(argc, argv, &o)))
		return e < 0 ? EW_EXIT_OK : e;
	e = ew_limits_report_build(&r, o.pid, EW_LIMITS_ALL);
	if (e == -ESRCH)
		return o.pid ? ew_cli_fail(EW_EXIT_NO, "limits: no process %d", o.pid)
			     : ew_cli_fail(EW_EXIT_NO, "limits: errwhy's parent is gone");
	if (e < 0)
		return ew_cli_fail(EW_EXIT_SYSTEM, "limits: cannot read process %d: %s", o.pid,
				   strerror(-e));
	st = (struct ew_text_style){.width = ew_cli_width(), .color = ew_cli_use_color(o.color)};
	ew_buf_init(&out);
	if (o.json)
		e = ew_render_limits_json(&out, r, EW_LIMITS_ALL, true);
	else
		e = ew_render_limits_text(&out, r, EW_LIMITS_ALL, &st);
	if (e < 0)
		out.failed = true;
	status = ew_cli_write(&out);
	ew_buf_free(&out);
	ew_limits_report_free(r);
	return status;
}
