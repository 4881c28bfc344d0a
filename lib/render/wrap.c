/* wrap.c: word wrapping for terminal output. Inline markup is turned into ANSI styles (or
 * left plain) first; the wrapper then measures only what is visible, skipping escape
 * sequences and counting UTF-8 characters, not bytes. */
#include <string.h>

#include "render.h"

void ew_styled(struct ew_buf *b, const char *style, const char *s, bool color)
{
	if (color)
		ew_buf_puts(b, style);
	ew_buf_puts(b, s);
	if (color)
		ew_buf_puts(b, EW_ANSI_RESET);
}

/* `code` and **bold** to ANSI (colour) or to plain text (backticks kept, asterisks dropped). */
static void markup(struct ew_buf *out, const char *s, size_t n, bool color)
{
	bool in_code = false, in_bold = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '`') {
			in_code = !in_code;
			if (color)
				ew_buf_puts(out, in_code ? EW_ANSI_CODE : "\033[39m");
			else
				ew_buf_putc(out, '`');
		} else if (!in_code && s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			in_bold = !in_bold;
			if (color)
				ew_buf_puts(out, in_bold ? EW_ANSI_BOLD : EW_ANSI_NOBOLD);
			i++;
		} else {
			ew_buf_putc(out, s[i]);
		}
	}
	if (color && (in_code || in_bold))
		ew_buf_puts(out, EW_ANSI_RESET);
}

/* Columns that s[0..n) takes on screen. */
static unsigned visible_width(const char *s, size_t n)
{
	unsigned w = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033') {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	}
	return w;
}

static void spaces(struct ew_buf *b, unsigned n)
{
	static const char blanks[] = "                                ";
	while (n > 0) {
		unsigned k = n < sizeof(blanks) - 1 ? n : (unsigned)sizeof(blanks) - 1;
		ew_buf_append(b, blanks, k);
		n -= k;
	}
}

/* One paragraph of already styled text, greedy fill, from column col on. */
static void fill(struct ew_buf *b, const char *p, size_t n, unsigned col, unsigned rest,
		 unsigned width)
{
	bool line_empty = true;
	size_t i = 0;

	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\n'))
			i++;
		size_t start = i;
		while (i < n && p[i] != ' ' && p[i] != '\n')
			i++;
		if (i == start)
			break;
		unsigned w = visible_width(p + start, i - start);
		if (!line_empty && col + 1 + w > width) {
			ew_buf_putc(b, '\n');
			spaces(b, rest);
			col = rest;
			line_empty = true;
		}
		if (!line_empty) {
			ew_buf_putc(b, ' ');
			col++;
		}
		ew_buf_append(b, p + start, i - start);
		col += w;
		line_empty = false;
	}
	ew_buf_putc(b, '\n');
}

void ew_wrap(struct ew_buf *b, const char *text, unsigned first, unsigned rest,
	     const struct ew_text_style *st)
{
	spaces(b, first);
	ew_wrap_at(b, text, first, rest, st);
}

void ew_wrap_at(struct ew_buf *b, const char *text, unsigned col, unsigned rest,
		const struct ew_text_style *st)
{
	struct ew_buf styled;
	const char *p, *end;

	ew_buf_init(&styled);
	markup(&styled, text, strlen(text), st->color);
	if (styled.failed) {
		b->failed = true;
		ew_buf_free(&styled);
		return;
	}
	p = styled.data ? styled.data : "";
	for (;;) {
		end = strstr(p, "\n\n");
		fill(b, p, end ? (size_t)(end - p) : strlen(p), col, rest, st->width);
		if (!end)
			break;
		ew_buf_putc(b, '\n');
		spaces(b, rest);
		p = end + 2;
		col = rest;
	}
	ew_buf_free(&styled);
}

void ew_indent_block(struct ew_buf *b, const char *text, unsigned indent, const char *prefix)
{
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		spaces(b, indent);
		if (prefix && line == text)
			ew_buf_puts(b, prefix);
		else if (prefix)
			spaces(b, (unsigned)strlen(prefix));
		ew_buf_append(b, line, n);
		ew_buf_putc(b, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
}
