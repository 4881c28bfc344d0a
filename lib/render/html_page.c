/* html_page.c: the pieces every HTML page is made of: escaping, inline markup and man page
 * links, code blocks, links written for the mode, the document shell and the search box. */
#include <string.h>

#include "html.h"

#define MAN7 "https://man7.org/linux/man-pages/man"

void ew_html_escape(struct ew_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	if (!s)
		return;
	while (i < n) {
		size_t run = i;
		const char *ref = NULL;
		/* Plain text goes out in runs; only these five characters change. */
		while (run < n && !ref) {
			switch (s[run]) {
			case '&': ref = "&amp;"; break;
			case '<': ref = "&lt;"; break;
			case '>': ref = "&gt;"; break;
			case '"': ref = "&quot;"; break;
			case '\'': ref = "&#39;"; break;
			default: run++;
			}
		}
		ew_buf_append(b, s + i, run - i);
		if (!ref)
			break;
		ew_buf_puts(b, ref);
		i = run + 1;
	}
}

void ew_html_escape_str(struct ew_buf *b, const char *s)
{
	if (s)
		ew_html_escape(b, s, strlen(s));
}

void ew_html_outside(struct ew_buf *b, const char *s, size_t n, size_t max_chars)
{
	struct ew_buf visible;
	size_t used;

	if (!b || !s)
		return;
	ew_buf_init(&visible);
	used = ew_buf_append_escaped(&visible, s, n, max_chars);
	if (visible.failed) {
		b->failed = true;
	} else if (visible.len) {
		/* A colon as a reference: outside text never spells a scheme ("javascript:")
		 * in the page's source, wherever it lands. */
		const char *p = visible.data, *end = visible.data + visible.len;
		while (p < end) {
			const char *colon = memchr(p, ':', (size_t)(end - p));
			size_t k = colon ? (size_t)(colon - p) : (size_t)(end - p);
			ew_html_escape(b, p, k);
			if (colon)
				ew_buf_puts(b, "&#58;");
			p += k + (colon != NULL);
		}
	}
	if (used < n)
		ew_buf_puts(b, "…");
	ew_buf_free(&visible);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-' || c == '+' || c == ':';
}

static bool letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The length of a man page reference "page(section)" at s[0..n) ("bind(2)", "pthread.h(0p)"
 * is not one: sections run 1 to 9, a few letters may follow), or 0. *name gets the page's
 * length. The caller checks what stands before s. */
static size_t man_ref(const char *s, size_t n, size_t *name)
{
	size_t i = 0, sec;

	if (n == 0 || !letter(s[0]))
		return 0;
	while (i < n && name_char(s[i]))
		i++;
	if (i == n || s[i] != '(' || s[i - 1] == '.' || s[i - 1] == ':')
		return 0;
	*name = i++;
	sec = i;
	if (i == n || s[i] < '1' || s[i] > '9')
		return 0;
	for (i++; i < n && s[i] >= 'a' && s[i] <= 'z' && i - sec < 4; i++)
		;
	if (i == n || s[i] != ')')
		return 0;
	i++;
	/* "f(2)x" is not a reference; "bind(2)," and "bind(2)." are. */
	if (i < n && (letter(s[i]) || (s[i] >= '0' && s[i] <= '9')))
		return 0;
	return i;
}

/* The man7.org address of the reference ref[0..len) whose page name is name long. */
static void man_href(struct ew_buf *b, const char *ref, size_t len, size_t name)
{
	const char *sec = ref + name + 1;
	size_t sec_len = len - name - 2;

	ew_buf_puts(b, MAN7);
	ew_buf_putc(b, sec[0]); /* man2/ for 2, man3/ for 3p */
	ew_buf_putc(b, '/');
	ew_html_escape(b, ref, name);
	ew_buf_putc(b, '.');
	ew_html_escape(b, sec, sec_len);
	ew_buf_puts(b, ".html");
}

static void man_link(struct ew_buf *b, const char *ref, size_t len, size_t name, bool code)
{
	ew_buf_puts(b, "<a class=\"man\" href=\"");
	man_href(b, ref, len, name);
	ew_buf_puts(b, code ? "\"><code>" : "\">");
	ew_html_escape(b, ref, len);
	ew_buf_puts(b, code ? "</code></a>" : "</a>");
}

/* Text with every man page reference in it linked. */
static void linked_text(struct ew_buf *b, const char *s, size_t n)
{
	size_t i = 0, from = 0, len, name;

	while (i < n) {
		if ((i == 0 || !name_char(s[i - 1])) && (len = man_ref(s + i, n - i, &name))) {
			ew_html_escape(b, s + from, i - from);
			man_link(b, s + i, len, name, false);
			i += len;
			from = i;
		} else {
			i++;
		}
	}
	ew_html_escape(b, s + from, n - from);
}

/* A code span: a reference to a man page, alone in it, becomes a link. */
static void code_span(struct ew_buf *b, const char *s, size_t n)
{
	size_t name = 0;

	if (man_ref(s, n, &name) == n && n > 0) {
		man_link(b, s, n, name, true);
		return;
	}
	ew_buf_puts(b, "<code>");
	ew_html_escape(b, s, n);
	ew_buf_puts(b, "</code>");
}

void ew_html_inline(struct ew_buf *b, const char *s, size_t n)
{
	bool bold = false;
	size_t i = 0;

	if (!s)
		return;
	while (i < n) {
		if (s[i] == '`') {
			/* An unclosed span runs to the end, as on a terminal. */
			const char *end = memchr(s + i + 1, '`', n - i - 1);
			size_t len = end ? (size_t)(end - (s + i + 1)) : n - i - 1;
			code_span(b, s + i + 1, len);
			i += 1 + len + (end != NULL);
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			ew_buf_puts(b, bold ? "</strong>" : "<strong>");
			bold = !bold;
			i += 2;
		} else {
			size_t run = i + 1;
			while (run < n && s[run] != '`' && !(s[run] == '*' && run + 1 < n &&
							      s[run + 1] == '*'))
				run++;
			linked_text(b, s + i, run - i);
			i = run;
		}
	}
	if (bold)
		ew_buf_puts(b, "</strong>");
}

void ew_html_inline_str(struct ew_buf *b, const char *s)
{
	if (s)
		ew_html_inline(b, s, strlen(s));
}

void ew_html_prose(struct ew_buf *b, const char *text, const char *lead, const char *cls)
{
	const char *p = text, *end;

	if (!text)
		return;
	do {
		end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (cls)
			ew_buf_printf(b, "<p class=\"%s\">", cls);
		else
			ew_buf_puts(b, "<p>");
		if (lead && p == text)
			ew_buf_printf(b, "<strong class=\"label\">%s</strong> ", lead);
		ew_html_inline(b, p, n);
		ew_buf_puts(b, "</p>\n");
		p = end ? end + 2 : NULL;
	} while (p);
}

void ew_html_source(struct ew_buf *b, const char *source)
{
	const char *p = source;

	if (!source)
		return;
	ew_buf_puts(b, "<p class=\"source\"><span class=\"label\">Source:</span> ");
	/* A quoted phrase is the page's own words: kept as text, never linked. */
	while (*p) {
		const char *q = strchr(p, '"');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		linked_text(b, p, n);
		if (!q)
			break;
		const char *close = strchr(q + 1, '"');
		size_t len = close ? (size_t)(close - q) + 1 : strlen(q);
		ew_buf_puts(b, "<span class=\"quote\">");
		ew_html_escape(b, q, len);
		ew_buf_puts(b, "</span>");
		p = q + len;
	}
	ew_buf_puts(b, "</p>\n");
}

void ew_html_reference(struct ew_buf *b, const char *ref)
{
	size_t n = strlen(ref), name = 0;

	if (man_ref(ref, n, &name) == n && n > 0)
		man_link(b, ref, n, name, false);
	else if (ref[0] == '<') {
		ew_buf_puts(b, "<code>");
		ew_html_escape(b, ref, n);
		ew_buf_puts(b, "</code>");
	} else {
		linked_text(b, ref, n);
	}
}

void ew_html_code(struct ew_buf *b, const char *text, const char *lang, const char *label,
		  const char *extra_class)
{
	size_t n = strlen(text);

	/* The last newline ends the last line; kept, it would show as an empty one. */
	if (n && text[n - 1] == '\n')
		n--;
	ew_buf_puts(b, "<div class=\"code");
	if (extra_class)
		ew_buf_printf(b, " %s", extra_class);
	ew_buf_puts(b, "\">");
	if (label) {
		ew_buf_puts(b, "<div class=\"code-label\">");
		ew_html_escape_str(b, label);
		ew_buf_puts(b, "</div>");
	}
	/* tabindex: a block that scrolls sideways must be reachable from the keyboard. */
	ew_buf_puts(b, "<pre tabindex=\"0\"><code");
	if (lang) {
		ew_buf_puts(b, " class=\"language-");
		ew_html_escape_str(b, lang);
		ew_buf_putc(b, '"');
	}
	ew_buf_putc(b, '>');
	ew_html_escape(b, text, n);
	ew_buf_puts(b, "</code></pre></div>\n");
}

void ew_html_href_index(struct ew_buf *b, const struct ew_html_ctx *c)
{
	if (c->mode == EW_HTML_SERVER)
		ew_buf_putc(b, '/');
	else
		ew_buf_printf(b, "%sindex.html", c->root);
}

void ew_html_href_entry(struct ew_buf *b, const struct ew_html_ctx *c, const struct ew_entry *e)
{
	/* Each family has its directory: /signal/SIGKILL, exit/137.html. */
	ew_buf_puts(b, c->mode == EW_HTML_SERVER ? "/" : c->root);
	ew_html_escape_str(b, ew_family_key(e->family));
	ew_buf_putc(b, '/');
	ew_html_escape_str(b, e->name);
	if (c->mode == EW_HTML_SITE)
		ew_buf_puts(b, ".html");
}

void ew_html_href_asset(struct ew_buf *b, const struct ew_html_ctx *c, const char *file)
{
	ew_buf_puts(b, c->mode == EW_HTML_SERVER ? "/" : c->root);
	ew_buf_puts(b, "assets/");
	ew_html_escape_str(b, file);
}

void ew_html_back_link(struct ew_buf *b, const struct ew_html_ctx *c)
{
	ew_buf_puts(b, "<p class=\"back-line\"><a class=\"back\" href=\"");
	ew_html_href_index(b, c);
	ew_buf_puts(b, "\">All Linux / POSIX errors</a></p>\n");
}

const char *ew_html_confidence_word(enum ew_confidence c)
{
	switch (c) {
	case EW_CONFIDENCE_HIGH: return "HIGH";
	case EW_CONFIDENCE_MEDIUM: return "MEDIUM";
	case EW_CONFIDENCE_LOW: return "LOW";
	}
	return "?";
}

void ew_html_badge(struct ew_buf *b, enum ew_confidence c, bool short_form)
{
	ew_buf_printf(b, "<span class=\"conf conf-%s\">%s%s</span>", ew_confidence_key(c),
		      ew_html_confidence_word(c), short_form ? "" : " confidence");
}

void ew_html_category(struct ew_buf *b, const char *category)
{
	/* Abbreviations keep their capitals; other names are capitalised. */
	if (strcmp(category, "io") == 0) {
		ew_buf_puts(b, "I/O");
	} else if (strcmp(category, "ipc") == 0) {
		ew_buf_puts(b, "IPC");
	} else if (category[0] >= 'a' && category[0] <= 'z') {
		ew_buf_putc(b, (char)(category[0] - 'a' + 'A'));
		ew_html_escape_str(b, category + 1);
	} else {
		ew_html_escape_str(b, category);
	}
}

void ew_html_open(struct ew_buf *b, const struct ew_html_ctx *c, const char *title_html,
		  const char *description_html, const char *body_class)
{
	ew_buf_puts(b, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
	ew_buf_puts(b, title_html);
	ew_buf_puts(b, "</title>\n");
	if (description_html)
		ew_buf_printf(b, "<meta name=\"description\" content=\"%s\">\n", description_html);
	ew_buf_puts(b, "<link rel=\"stylesheet\" href=\"");
	ew_html_href_asset(b, c, "errwhy.css");
	ew_buf_puts(b, "\">\n<script src=\"");
	ew_html_href_asset(b, c, "errwhy.js");
	ew_buf_printf(b, "\" defer></script>\n</head>\n<body class=\"%s\">\n", body_class);
	ew_buf_puts(b, "<a class=\"skip\" href=\"#main\">Skip to the content</a>\n"
		       "<header class=\"site\"><div class=\"wrap\"><a class=\"brand\" href=\"");
	ew_html_href_index(b, c);
	ew_buf_puts(b, "\">errwhy</a> <span class=\"tagline\">why a Linux call failed, and what to "
		       "do</span></div></header>\n<main id=\"main\" class=\"wrap\">\n");
}

void ew_html_close(struct ew_buf *b, const struct ew_html_ctx *c)
{
	(void)c;
	ew_buf_puts(b, "</main>\n<footer class=\"site\"><div class=\"wrap\"><p>From the errwhy "
		       "catalog: every claim names its source; man pages link to "
		       "<a href=\"https://man7.org/linux/man-pages/\">man7.org</a>. On the command "
		       "line: <code>errwhy NAME</code>.</p></div></footer>\n</body>\n</html>\n");
}

void ew_html_search_form(struct ew_buf *b, const struct ew_html_ctx *c, const char *value,
			 size_t value_len)
{
	if (c->mode == EW_HTML_SERVER)
		ew_buf_puts(b, "<form role=\"search\" class=\"search\" action=\"/search\" "
			       "method=\"get\">");
	else /* no server to ask: the script shows the box and filters the list */
		ew_buf_puts(b, "<form role=\"search\" class=\"search\" hidden>");
	ew_buf_puts(b, "<input type=\"search\" name=\"q\" id=\"q\" aria-label=\"Search errors\" "
		       "placeholder=\"");
	ew_buf_puts(b, c->mode == EW_HTML_SERVER ? "Name, number or a pasted error message"
						 : "Name, number or words");
	ew_buf_putc(b, '"');
	if (value) {
		ew_buf_puts(b, " value=\"");
		ew_html_outside(b, value, value_len, EW_ANSWER_MAX_QUERY);
		ew_buf_putc(b, '"');
	}
	ew_buf_puts(b, "><button type=\"submit\">Search</button></form>\n");
}
