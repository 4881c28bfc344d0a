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

/* Inline markup state, carried from word to word: a bold run or code span may hold spaces.
 * plain: no markup at all (text with outside data in it, where a backtick is a backtick). */
struct markup {
	bool code, bold, color, plain;
};

/* Appends s[0..n) with `code` and **bold** turned into ANSI styles (colour) or plain text
 * (backticks kept, asterisks dropped). */
static void put_marked(struct ew_buf *out, const char *s, size_t n, struct markup *m)
{
	size_t i = 0;

	if (m->plain) {
		ew_buf_append(out, s, n);
		return;
	}
	while (i < n) {
		/* Plain text goes out in runs, not a character at a time: pages are mostly plain. */
		size_t run = i;
		while (run < n && s[run] != '`' && s[run] != '*')
			run++;
		ew_buf_append(out, s + i, run - i);
		i = run;
		if (i == n)
			break;
		if (s[i] == '`') {
			m->code = !m->code;
			if (m->color)
				ew_buf_puts(out, m->code ? EW_ANSI_CODE : "\033[39m");
			else
				ew_buf_putc(out, '`');
		} else if (!m->code && i + 1 < n && s[i + 1] == '*') {
			m->bold = !m->bold;
			if (m->color)
				ew_buf_puts(out, m->bold ? EW_ANSI_BOLD : EW_ANSI_NOBOLD);
			i++;
		} else {
			ew_buf_putc(out, s[i]);
		}
		i++;
	}
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

/* The word at s: it ends at the next space outside a code span, so that a command such as
 * `ss -ltn 'sport = :3000'` stays on one line and can be copied whole. *width gets the columns
 * it takes on screen: markup that vanishes does not count, a UTF-8 character counts once.
 * One pass, since every character of a page goes through here. */
static const char *word(const char *s, const char *end, const struct markup *m,
			unsigned *width)
{
	bool code = false, color = m->color;
	unsigned w = 0;

	for (; s < end; s++) {
		char c = *s;
		/* Most characters: printable ASCII that is no markup and ends no word. */
		if ((unsigned char)c > ' ' && (unsigned char)c < 0x7F && c != '`' && c != '*') {
			w++;
			continue;
		}
		if (m->plain && c != ' ' && c != '\n') {
			w += ((unsigned char)c & 0xC0) != 0x80;
		} else if (c == '`') {
			code = !code;
			w += !color;
		} else if ((c == ' ' || c == '\n') && !code) {
			break;
		} else if (c == '*' && !code && s + 1 < end && s[1] == '*') {
			s++;
		} else if (((unsigned char)c & 0xC0) != 0x80) {
			w++;
		}
	}
	*width = w;
	return s;
}

/* One paragraph, greedy fill to width, from column col on. */
static void fill(struct ew_buf *b, const char *p, const char *end, unsigned col, unsigned rest,
		 unsigned width, struct markup m)
{
	bool line_empty = true;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		if (p == end)
			break;
		unsigned w;
		const char *we = word(p, end, &m, &w);
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
		put_marked(b, p, (size_t)(we - p), &m);
		col += w;
		line_empty = false;
		p = we;
	}
	if (m.color && (m.code || m.bold))
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
		fill(b, p, end ? end : p + strlen(p), col, rest, st->width,
		     (struct markup){.color = st->color});
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
		/* A blank line stays empty: indenting it would leave trailing blanks. */
		if (n > 0 || (prefix && line == text)) {
			spaces(b, indent);
			if (prefix && line == text)
				ew_buf_puts(b, prefix);
			else if (prefix)
				spaces(b, (unsigned)strlen(prefix));
		}
		ew_buf_append(b, line, n);
		ew_buf_putc(b, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
}

void ew_wrap_plain(struct ew_buf *b, const char *text, unsigned first, unsigned rest,
		   unsigned width)
{
	/* No markup here: this text carries outside data (a process name may hold a backtick),
	 * already escaped, so every character counts and is printed as it is. */
	spaces(b, first);
	fill(b, text, text + strlen(text), first, rest, width, (struct markup){.plain = true});
}
