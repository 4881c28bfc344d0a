/* wrap.c: word wrapping for terminal output, with inline markup (`code`, **bold**) turned into
 * ANSI styles or plain text. Widths count what is visible: UTF-8 characters, not bytes or
 * markup; a code span is never broken across lines. */
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

/* Inline markup state, carried from word to word: a bold run or code span may hold spaces. */
struct markup {
	bool code, bold, color;
};

/* Appends s[0..n) with `code` and **bold** turned into ANSI styles (colour) or plain text
 * (backticks kept, asterisks dropped). */
static void put_marked(struct ew_buf *out, const char *s, size_t n, struct markup *m)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '`') {
			m->code = !m->code;
			if (m->color)
				ew_buf_puts(out, m->code ? EW_ANSI_CODE : "\033[39m");
			else
				ew_buf_putc(out, '`');
		} else if (!m->code && s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			m->bold = !m->bold;
			if (m->color)
				ew_buf_puts(out, m->bold ? EW_ANSI_BOLD : EW_ANSI_NOBOLD);
			i++;
		} else {
			ew_buf_putc(out, s[i]);
		}
	}
}

/* Columns that the word s[0..n) takes on screen: markup characters that vanish do not count,
 * and a UTF-8 character counts once. */
static unsigned visible_width(const char *s, size_t n, bool color)
{
	unsigned w = 0;
	bool code = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '`') {
			code = !code;
			w += !color;
		} else if (!code && s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			i++;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			w++;
		}
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

/* The end of the word at s: the next space outside a code span, so that a command such as
 * `ss -ltn 'sport = :3000'` stays on one line and can be copied whole. */
static const char *word_end(const char *s, const char *end)
{
	bool code = false;

	for (; s < end; s++) {
		if (*s == '`')
			code = !code;
		else if ((*s == ' ' || *s == '\n') && !code)
			break;
	}
	return s;
}

/* One paragraph, greedy fill, from column col on. */
static void fill(struct ew_buf *b, const char *p, const char *end, unsigned col, unsigned rest,
		 const struct ew_text_style *st)
{
	struct markup m = {.color = st->color};
	bool line_empty = true;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		if (p == end)
			break;
		const char *we = word_end(p, end);
		unsigned w = visible_width(p, (size_t)(we - p), st->color);
		if (!line_empty && col + 1 + w > st->width) {
			ew_buf_putc(b, '\n');
			spaces(b, rest);
			col = rest;
			line_empty = true;
		}
		if (!line_empty) {
			ew_buf_putc(b, ' ');
			col++;
		}
		put_marked(b, p, (size_t)(we - p), &m);
		col += w;
		line_empty = false;
		p = we;
	}
	if (st->color && (m.code || m.bold))
		ew_buf_puts(b, EW_ANSI_RESET);
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
	const char *p = text, *end;

	for (;;) {
		end = strstr(p, "\n\n");
		fill(b, p, end ? end : p + strlen(p), col, rest, st);
		if (!end)
			break;
		ew_buf_putc(b, '\n');
		spaces(b, rest);
		p = end + 2;
		col = rest;
	}
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
