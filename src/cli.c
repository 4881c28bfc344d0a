/* cli.c: terminal facts and output for every subcommand: colour, width, writing, failing. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

int ew_cli_color_mode(const char *value)
{
	if (strcmp(value, "auto") == 0)
		return EW_COLOR_AUTO;
	if (strcmp(value, "always") == 0)
		return EW_COLOR_ALWAYS;
	if (strcmp(value, "never") == 0)
		return EW_COLOR_NEVER;
	return -1;
}

bool ew_cli_use_color(enum ew_color_mode mode)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (mode != EW_COLOR_AUTO)
		return mode == EW_COLOR_ALWAYS;
	/* https://no-color.org: present and not empty disables colour. */
	if (no_color && no_color[0])
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO);
}

unsigned ew_cli_width(void)
{
	struct winsize ws;
	const char *columns = getenv("COLUMNS");

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (columns) {
		char *end;
		long n = strtol(columns, &end, 10);
		if (*end == '\0' && n > 0 && n < 10000)
			return (unsigned)n;
	}
	return 80;
}

int ew_cli_write(const struct ew_buf *b)
{
	size_t done = 0;

	if (b->failed)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory while writing the answer");
	while (done < b->len) {
		ssize_t n = write(STDOUT_FILENO, b->data + done, b->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* A reader that went away (errwhy ... | head) is no failure of ours. */
			if (errno == EPIPE)
				return EW_EXIT_OK;
			return ew_cli_fail(EW_EXIT_SYSTEM, "cannot write the answer: %s", strerror(errno));
		}
		done += (size_t)n;
	}
	return EW_EXIT_OK;
}

const char *ew_cli_quote(const char *arg)
{
	/* A few at a time, so that one message can quote two arguments. Each holds 80
	 * characters of at most 6 bytes ("\u202e") and the "...". */
	static char ring[4][80 * 6 + 4];
	static unsigned next;
	char *out = ring[next++ % 4];
	struct ew_buf b;
	size_t n, used;

	if (!arg)
		arg = "";
	n = strlen(arg);
	ew_buf_init(&b);
	used = ew_buf_append_escaped(&b, arg, n, 80);
	if (used < n)
		ew_buf_puts(&b, "...");
	snprintf(out, sizeof(ring[0]), "%s", b.failed || !b.data ? "" : b.data);
	ew_buf_free(&b);
	return out;
}

int ew_cli_vusage_error(const char *command, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", command);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s --help'.\n", command);
	return EW_EXIT_USAGE;
}

int ew_cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ew_cli_vusage_error(command, fmt, ap);
	va_end(ap);
	return EW_EXIT_USAGE;
}

int ew_cli_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("errwhy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void ew_cli_did_you_mean(FILE *out, const char *query)
{
	const struct ew_entry *near[3];
	size_t n = ew_suggest(query, near, 3, NULL);

	if (!n)
		return;
	fputs("; did you mean", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %s", i ? (i + 1 == n ? " or" : ",") : "", near[i]->name);
	fputc('?', out);
}

int ew_cli_parse_args(const struct ew_cli_args *a, int argc, char **argv, void *ctx)
{
	char shortopts[32];
	int c, r;

	snprintf(shortopts, sizeof(shortopts), "+:h%s", a->shortopts);
	optind = 1; /* nothing in errwhy runs getopt before a subcommand does */
	opterr = 0;
	/* "+" makes getopt stop at an operand instead of permuting argv; the operand is taken
	 * here and the options after it are parsed on. */
	while (optind < argc) {
		if (argv[optind][0] != '-' || argv[optind][1] == '\0') {
			if ((r = a->operand(argv[optind++], ctx)))
				return r;
			continue;
		}
		c = getopt_long(argc, argv, shortopts, a->longopts, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			fputs(a->usage, stdout);
			return -1;
		}
		if (c == ':')
			return ew_cli_usage_error(a->command, "%s needs a value",
						  ew_cli_quote(argv[optind - 1]));
		if (c == '?')
			return ew_cli_usage_error(a->command, "unknown option '%s'",
						  ew_cli_quote(argv[optind - 1]));
		if ((r = a->option(c, optarg, ctx)))
			return r;
	}
	for (; optind < argc; optind++)
		if ((r = a->operand(argv[optind], ctx)))
			return r;
	return 0;
}
