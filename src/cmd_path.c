/* cmd_path.c: errwhy path: why an operation on a path would fail, for whom, walked one
 * component at a time and confirmed by the kernel. Parsing here; the work is liberrwhy's. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
	"Usage: errwhy path PATH [--for OP] [--as USER] [--rename-to DEST] [--json]\n"
	"\n"
	"Walks PATH one component at a time (a relative PATH from the current directory),\n"
	"shows each component's type, mode, owner, group, ACL, symlink target and mount,\n"
	"and says whether OP would succeed: the errno it would get, the component and the\n"
	"rule. Nothing is created, written, deleted or executed to find out.\n"
	"\n"
	"  --for OP           read (default), write, create, delete, exec, list or search\n"
	"  --as USER          judge for this user (a name or a uid), with their groups; as\n"
	"                     root the verdict is confirmed by read-only calls (open O_PATH,\n"
	"                     faccessat) in a child running as USER, otherwise it is\n"
	"                     reasoned from the modes and confirmed only for the caller\n"
	"  --rename-to DEST   judge rename(2) of PATH to DEST (EXDEV across mounts)\n"
	"  --json             the report as JSON\n"
	"  --color WHEN       auto, always or never\n"
	"\n"
	"Exit status:\n"
	"  0  the operation would succeed\n"
	"  1  it would fail (the verdict says with which errno)\n"
	"  2  the command line is wrong\n"
	"  3  the system refused something errwhy needed (memory, writing the answer)\n";

enum { OPT_FOR = 256, OPT_AS, OPT_RENAME_TO, OPT_JSON, OPT_COLOR };

struct path_options {
	struct ew_path_query q;
	bool json, has_for;
	enum ew_color_mode color;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ew_cli_vusage_error("errwhy path", fmt, ap);
	va_end(ap);
	return EW_EXIT_USAGE;
}

static int take_path(const char *text, struct path_options *o)
{
	if (o->q.path)
		return usage_error("one PATH at a time; '%s' is one too many", ew_cli_quote(text));
	o->q.path = text;
	return 0;
}

static int parse_option(int c, const char *arg, struct path_options *o)
{
	int v;

	switch (c) {
	case OPT_FOR:
		if ((v = ew_path_op_parse(arg)) < 0 || v == EW_PATH_RENAME)
			return usage_error("--for takes read, write, create, delete, exec, list or "
					   "search, not '%s'", ew_cli_quote(arg));
		o->q.op = (enum ew_path_op)v;
		o->has_for = true;
		return 0;
	case OPT_AS:
		if (!arg[0])
			return usage_error("--as takes a user name or uid");
		o->q.user = arg;
		return 0;
	case OPT_RENAME_TO:
		if (!arg[0])
			return usage_error("--rename-to takes a path");
		o->q.rename_to = arg;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	default:
		if ((v = ew_cli_color_mode(arg)) < 0)
			return usage_error("--color takes auto, always or never, not '%s'",
					   ew_cli_quote(arg));
		o->color = (enum ew_color_mode)v;
		return 0;
	}
}

/* ew_cli_parse_args() calls these with the options struct as ctx. */
static int operand(const char *arg, void *o)
{
	return take_path(arg, o);
}

static int option(int c, const char *value, void *o)
{
	return parse_option(c, value, o);
}

static int parse(int argc, char **argv, struct path_options *o)
{
	static const struct option longopts[] = {
		{"for", required_argument, NULL, OPT_FOR},
		{"as", required_argument, NULL, OPT_AS},
		{"rename-to", required_argument, NULL, OPT_RENAME_TO},
		{"json", no_argument, NULL, OPT_JSON},
		{"color", required_argument, NULL, OPT_COLOR},
		{"colour", required_argument, NULL, OPT_COLOR},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static const struct ew_cli_args args = {
		.command = "errwhy path", .shortopts = "", .longopts = longopts,
		.usage = usage_text, .operand = operand, .option = option};
	int r;

	*o = (struct path_options){.q.op = EW_PATH_READ, .color = EW_COLOR_AUTO};
	if ((r = ew_cli_parse_args(&args, argc, argv, o)))
		return r;
	if (!o->q.path || !o->q.path[0])
		return usage_error("which path? Give one PATH");
	if (o->q.rename_to && o->has_for)
		return usage_error("--rename-to judges a rename; it takes no --for");
	if (o->q.rename_to)
		o->q.op = EW_PATH_RENAME;
	return 0;
}

int ew_cmd_path(int argc, char **argv)
{
	struct path_options o;
	struct ew_path_report *r;
	struct ew_text_style st;
	struct ew_buf b;
	int ret = parse(argc, argv, &o), code;

	if (ret < 0)
		return EW_EXIT_OK; /* --help */
	if (ret)
		return ret;
	ret = ew_path_report_build(&r, &o.q);
	if (ret == -ESRCH)
		return usage_error("no such user: '%s'", ew_cli_quote(o.q.user));
	if (ret < 0)
		return ew_cli_fail(EW_EXIT_SYSTEM, "cannot judge the path: %s", strerror(-ret));
	st = (struct ew_text_style){.width = ew_cli_width(), .color = ew_cli_use_color(o.color)};
	ew_buf_init(&b);
	ret = o.json ? ew_render_path_json(&b, r, isatty(STDOUT_FILENO))
		     : ew_render_path_text(&b, r, &st);
	if (ret < 0)
		code = ew_cli_fail(EW_EXIT_SYSTEM, "cannot write the report: %s", strerror(-ret));
	else if ((code = ew_cli_write(&b)) == EW_EXIT_OK)
		code = r->verdict ? EW_EXIT_NO : EW_EXIT_OK;
	ew_buf_free(&b);
	ew_path_report_free(r);
	return code;
}
