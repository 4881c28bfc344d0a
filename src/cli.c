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

/* The length of the UTF-8 character at s if it is well formed and printable, else 0. */
static size_t printable_utf8(const unsigned char *s)
{
	size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	/* U+0080..U+009F are the C1 controls: 0x9B alone is CSI on some terminals. */
	if (n == 2 && s[0] == 0xC2 && s[1] < 0xA0)
		return 0;
	return n;
}

const char *ew_cli_quote(const char *arg)
{
	static char out[80 * 4 + 8];
	const unsigned char *s = (const unsigned char *)arg;
	size_t o = 0, chars = 0;

	while (*s && chars < 80) {
		size_t n = *s >= 0x80 ? printable_utf8(s) : (*s >= 0x20 && *s != 0x7f);
		if (n == 0) {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", *s);
			s++;
		} else {
			memcpy(out + o, s, n);
			o += n;
			s += n;
		}
		chars++;
	}
	snprintf(out + o, sizeof(out) - o, "%s", *s ? "..." : "");
	return out;
}

int ew_cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", command);
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
