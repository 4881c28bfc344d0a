/* html_index.c: the pages around the entries: the index of every error by family, the
 * search results (how the query was read, then what it found) and "Not found". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define SUGGEST_MAX 5
#define TITLE_QUERY_CHARS 80

/* The index has one section per family, errno first (the enum's order), each with a table
 * whose columns say what identifies an entry of that family: an errno value by its number,
 * a signal by its name, an exit status by the status and its symbol. */
enum column { COL_END, COL_NUMBER, COL_NAME, COL_STATUS, COL_SYMBOL, COL_ACTION, COL_TITLE,
	      COL_CONFIDENCE };

static const char *const column_heading[] = {
	[COL_NUMBER] = "Number", [COL_NAME] = "Name", [COL_STATUS] = "Status",
	[COL_SYMBOL] = "Symbol", [COL_ACTION] = "Default action", [COL_TITLE] = "Title",
	[COL_CONFIDENCE] = "Confidence",
};

#define MAX_COLUMNS 6
static const enum column family_columns[EW_FAMILY_COUNT][MAX_COLUMNS] = {
	[EW_FAMILY_ERRNO] = {COL_NUMBER, COL_NAME, COL_TITLE, COL_CONFIDENCE},
	[EW_FAMILY_SIGNAL] = {COL_NAME, COL_NUMBER, COL_ACTION, COL_TITLE, COL_CONFIDENCE},
	[EW_FAMILY_EXIT] = {COL_STATUS, COL_SYMBOL, COL_TITLE, COL_CONFIDENCE},
	[EW_FAMILY_RESOLVER] = {COL_NAME, COL_NUMBER, COL_TITLE, COL_CONFIDENCE},
	[EW_FAMILY_KERNEL] = {COL_NAME, COL_NUMBER, COL_TITLE, COL_CONFIDENCE},
};

/* By magnitude: getaddrinfo's codes are negative, and read from -1 down. */
static int by_number(const void *pa, const void *pb)
{
	const struct ew_entry *a = *(const struct ew_entry *const *)pa;
	const struct ew_entry *b = *(const struct ew_entry *const *)pb;
	long x = labs((long)a->number), y = labs((long)b->number);

	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Lower-case ASCII, escaped: what the script's filter compares the query with. */
static void lower_attr(struct ew_buf *b, const char *s)
{
	for (; *s; s++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		ew_html_escape(b, &c, 1);
	}
}

/* <a class="name" href="...">NAME</a>: the entry's name, linked to its page. */
static void name_link(struct ew_buf *b, const struct ew_entry *e, const struct ew_html_ctx *c)
{
	ew_buf_puts(b, "<a class=\"name\" href=\"");
	ew_html_href_entry(b, c, e);
	ew_buf_puts(b, "\">");
	ew_html_escape_str(b, e->name);
	ew_buf_puts(b, "</a>");
}

static void cell(struct ew_buf *b, enum column col, const struct ew_entry *e,
		 const struct ew_html_ctx *c)
{
	switch (col) {
	case COL_NUMBER:
		ew_buf_printf(b, "<td class=\"num\">%d</td>", e->number);
		break;
	case COL_NAME:
	case COL_STATUS:
		ew_buf_puts(b, col == COL_STATUS ? "<th scope=\"row\" class=\"num\">"
						 : "<th scope=\"row\">");
		name_link(b, e, c);
		ew_buf_puts(b, "</th>");
		break;
	case COL_SYMBOL:
		ew_buf_puts(b, "<td class=\"symbol\">");
		if (e->symbol) {
			ew_buf_puts(b, "<code>");
			ew_html_escape_str(b, e->symbol);
			ew_buf_puts(b, "</code>");
		}
		ew_buf_puts(b, "</td>");
		break;
	case COL_ACTION:
		ew_buf_puts(b, "<td class=\"action\">");
		if (e->action)
			ew_html_escape_str(b, ew_signal_action_words(e->action));
		ew_buf_puts(b, "</td>");
		break;
	case COL_TITLE:
		ew_buf_puts(b, "<td class=\"title\">");
		ew_html_inline_str(b, e->title);
		ew_buf_puts(b, "</td>");
		break;
	case COL_CONFIDENCE:
		ew_buf_puts(b, "<td class=\"confidence\">");
		ew_html_badge(b, e->confidence, true);
		ew_buf_puts(b, "</td>");
		break;
	case COL_END:
	default:
		break;
	}
}

/* One row; its data- attributes are what the script's filter reads: the name, the number,
 * and in lower case the aliases, the symbol, the title, the message and the category. */
static void row(struct ew_buf *b, const struct ew_entry *e, const struct ew_html_ctx *c)
{
	const enum column *cols = family_columns[e->family];

	ew_buf_puts(b, "<tr class=\"row\" data-name=\"");
	ew_html_escape_str(b, e->name);
	ew_buf_printf(b, "\" data-number=\"%d\" data-text=\"", e->number);
	for (size_t k = 1; k < e->n_numbers; k++) {
		lower_attr(b, e->numbers[k].name);
		ew_buf_putc(b, ' ');
	}
	if (e->symbol) {
		lower_attr(b, e->symbol);
		ew_buf_putc(b, ' ');
	}
	lower_attr(b, e->title);
	ew_buf_putc(b, ' ');
	lower_attr(b, e->message);
	ew_buf_putc(b, ' ');
	lower_attr(b, e->category);
	ew_buf_puts(b, "\">");
	for (size_t i = 0; i < MAX_COLUMNS && cols[i] != COL_END; i++)
		cell(b, cols[i], e, c);
	ew_buf_puts(b, "</tr>\n");
}

/* One family's section: its label as the heading, with an id, then its table by number. */
static int family_section(struct ew_buf *b, enum ew_family family, const struct ew_html_ctx *c)
{
	const enum column *cols = family_columns[family];
	const char *key = ew_family_key(family), *label = ew_family_label(family);
	size_t n = 0, total = ew_entry_count();
	const struct ew_entry **list = calloc(total ? total : 1, sizeof(*list));

	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < total; i++)
		if (ew_entry_at(i)->family == family)
			list[n++] = ew_entry_at(i);
	if (n == 0) {
		free(list);
		return 0;
	}
	qsort(list, n, sizeof(*list), by_number);
	ew_buf_printf(b, "<section class=\"family\" id=\"family-%s\">\n<h2><a class=\"anchor\" "
		      "href=\"#family-%s\">", key, key);
	ew_html_escape_str(b, label);
	ew_buf_printf(b, "</a> <span class=\"count\">%zu</span></h2>\n", n);
	/* The table scrolls inside its box on a narrow screen, never the page. */
	ew_buf_puts(b, "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"");
	ew_html_escape_str(b, label);
	ew_buf_puts(b, "\">\n<table class=\"entries\">\n<thead><tr>");
	for (size_t i = 0; i < MAX_COLUMNS && cols[i] != COL_END; i++)
		ew_buf_printf(b, "<th scope=\"col\">%s</th>", column_heading[cols[i]]);
	ew_buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		row(b, list[i], c);
	ew_buf_puts(b, "</tbody>\n</table>\n</div>\n</section>\n");
	free(list);
	return 0;
}

/* Whether any entry is of the family: a family without one gets no section and no link. */
static bool family_present(enum ew_family family)
{
	for (size_t i = 0; i < ew_entry_count(); i++)
		if (ew_entry_at(i)->family == family)
			return true;
	return false;
}

int ew_render_html_index(struct ew_buf *b, enum ew_html_mode mode)
{
	struct ew_html_ctx c = {.mode = mode, .root = ""};
	bool first = true;
	int r;

	if (!b || (unsigned)mode > EW_HTML_SITE)
		return -EINVAL;
	ew_html_open(b, &c, "All Linux / POSIX errors — errwhy",
		     "Every Linux errno, signal, exit status, getaddrinfo code and kernel-internal "
		     "code: what it means, why it happens, how to reproduce it and how to fix it.",
		     "index-page");
	ew_buf_puts(b, "<h1>All Linux / POSIX errors</h1>\n");
	ew_buf_printf(b, "<p class=\"lede\">%zu errors a program meets on Linux: the errno values "
		      "system calls and the C library report, signals, exit statuses, getaddrinfo "
		      "codes and the kernel's internal codes. For each, what it means, why it "
		      "happens, how to reproduce it and how to fix it, with the sources that back "
		      "every claim.</p>\n", ew_entry_count());
	ew_html_search_form(b, &c, NULL, 0);
	ew_buf_puts(b, "<nav class=\"families\" aria-label=\"Families\">");
	for (int f = 0; f < EW_FAMILY_COUNT; f++) {
		if (!family_present((enum ew_family)f))
			continue;
		ew_buf_printf(b, "%s<a href=\"#family-%s\">", first ? "" : " ",
			      ew_family_key((enum ew_family)f));
		ew_html_escape_str(b, ew_family_label((enum ew_family)f));
		ew_buf_puts(b, "</a>");
		first = false;
	}
	ew_buf_puts(b, "</nav>\n<p id=\"no-match\" class=\"no-match\" hidden>No error matches "
		       "the filter.</p>\n");
	for (int f = 0; f < EW_FAMILY_COUNT; f++)
		if ((r = family_section(b, (enum ew_family)f, &c)) < 0)
			return r;
	ew_html_close(b, &c);
	return b->failed ? -ENOMEM : 0;
}

/* ---- search results ----------------------------------------------------------------------- */

/* Where an entry's message comes from, as "“...” is the text strerror() gives for NAME" says
 * it. */
static const char *message_origin(enum ew_family family)
{
	switch (family) {
	case EW_FAMILY_ERRNO: return "the text strerror() gives for";
	case EW_FAMILY_SIGNAL: return "the text strsignal() gives for";
	case EW_FAMILY_RESOLVER: return "the text gai_strerror() gives for";
	case EW_FAMILY_EXIT:
	case EW_FAMILY_KERNEL:
	case EW_FAMILY_COUNT:
	default: return "the title of";
	}
}

/* What one lookup match says about the query, when more than the name: an alias, a number. */
static void match_note(struct ew_buf *b, const struct ew_match *m)
{
	const struct ew_entry *e = m->entry;

	switch (m->kind) {
	case EW_MATCH_ALIAS:
		ew_buf_puts(b, "<p class=\"note\">");
		ew_html_escape_str(b, m->as_name);
		ew_buf_printf(b, " is another name for %s on Linux.</p>", e->name);
		break;
	case EW_MATCH_NUMBER:
		ew_buf_printf(b, "<p class=\"note\">%ld is %s in the %s numbers of ", m->number,
			      e->name, ew_family_key(e->family));
		ew_html_escape_str(b, ew_family_label(e->family));
		ew_buf_puts(b, ".</p>");
		break;
	case EW_MATCH_FOREIGN:
		ew_buf_printf(b, "<p class=\"note\">%ld on ", m->number);
		for (int sys = 0, seen = 0; sys < EW_SYS_COUNT; sys++)
			if (m->systems & (1u << sys)) {
				ew_buf_puts(b, seen++ ? ", " : "");
				ew_html_escape_str(b, ew_system_label((enum ew_system)sys));
			}
		ew_buf_puts(b, " is ");
		ew_html_escape_str(b, m->as_name);
		ew_buf_printf(b, "; on this system %s is %d.</p>", e->name, e->number);
		break;
	case EW_MATCH_MESSAGE:
		ew_buf_puts(b, "<p class=\"note\">“");
		ew_html_escape_str(b, e->message);
		ew_buf_printf(b, "” is %s %s.</p>", message_origin(e->family), e->name);
		break;
	case EW_MATCH_NAME:
	default:
		break;
	}
}

/* A recognised message: "Recognised EADDRINUSE (Node.js): port 3000, ..." and its span. */
static void hit_note(struct ew_buf *b, const struct ew_match *m)
{
	struct ew_buf line;

	ew_buf_init(&line);
	ew_render_hit_line(&line, m->hit);
	if (line.len && line.data[line.len - 1] == '\n')
		line.len--;
	if (line.failed)
		b->failed = true;
	ew_buf_puts(b, "<p class=\"note\">");
	/* The line holds text of the message (a path, an address): outside data. */
	ew_html_outside(b, line.data, line.len, SIZE_MAX);
	ew_buf_puts(b, "</p>");
	ew_buf_free(&line);
	if (m->hit_text) {
		ew_buf_puts(b, "<p class=\"span\">In: <code>");
		ew_html_outside(b, m->hit_text, strlen(m->hit_text), SIZE_MAX);
		ew_buf_puts(b, "</code></p>");
	}
}

static void result(struct ew_buf *b, const struct ew_match *m, const struct ew_html_ctx *c)
{
	const struct ew_entry *e = m->entry;

	ew_buf_puts(b, "<li class=\"result\"><a class=\"name\" href=\"");
	ew_html_href_entry(b, c, e);
	ew_buf_puts(b, "\">");
	ew_html_escape_str(b, e->name);
	ew_buf_printf(b, "</a> <span class=\"num\">%d</span> <span class=\"title\">", e->number);
	ew_html_inline_str(b, e->title);
	ew_buf_puts(b, "</span> ");
	ew_html_badge(b, e->confidence, false);
	if (m->hit)
		hit_note(b, m);
	else
		match_note(b, m);
	ew_buf_puts(b, "</li>\n");
}

/* "Read as a number on Linux and a number on another system.": every way a match read it. */
static void lookup_reading(struct ew_buf *b, const struct ew_answer *a)
{
	static const char *const how[] = {
		[EW_MATCH_NAME] = "an error name", [EW_MATCH_ALIAS] = "another name of an error",
		[EW_MATCH_NUMBER] = "a number on Linux",
		[EW_MATCH_MESSAGE] = "the text strerror() gives",
		[EW_MATCH_FOREIGN] = "a number on another system",
	};
	unsigned kinds = 0, shown = 0, count;

	for (size_t i = 0; i < a->n; i++)
		if ((unsigned)a->matches[i].kind <= EW_MATCH_FOREIGN)
			kinds |= 1u << a->matches[i].kind;
	count = (unsigned)__builtin_popcount(kinds);
	ew_buf_puts(b, "<p class=\"reading\">Read as ");
	for (unsigned k = 0; k <= EW_MATCH_FOREIGN; k++)
		if (kinds & (1u << k)) {
			shown++;
			ew_buf_puts(b, shown == 1 ? "" : shown == count ? " and " : ", ");
			ew_buf_puts(b, how[k]);
		}
	ew_buf_puts(b, ".</p>\n");
}

static void reading(struct ew_buf *b, const struct ew_answer *a)
{
	switch (a->kind) {
	case EW_ANSWER_LOOKUP:
		lookup_reading(b, a);
		break;
	case EW_ANSWER_MESSAGE:
		ew_buf_printf(b, "<p class=\"reading\">Read as a pasted error message: %zu %s "
			      "recognised.</p>\n", a->n, a->n == 1 ? "error" : "errors");
		break;
	case EW_ANSWER_SEARCH:
		ew_buf_printf(b, "<p class=\"reading\">Read as words: %zu %s every one of "
			      "them.</p>\n", a->n, a->n == 1 ? "entry mentions" : "entries mention");
		break;
	case EW_ANSWER_NONE:
	default:
		ew_buf_puts(b, "<p class=\"reading none\">No error matches “");
		ew_html_outside(b, a->query, a->query_len, 200);
		ew_buf_puts(b, "”. Try a name (<code>EADDRINUSE</code>), a number "
			       "(<code>98</code>) or the whole error message as it was printed.</p>\n");
	}
}

/* "Did you mean <a>EADDRINUSE</a> or <a>EADDRNOTAVAIL</a>?" */
static void suggestions(struct ew_buf *b, const struct ew_entry *const *s, size_t n,
			const struct ew_html_ctx *c)
{
	if (n == 0)
		return;
	ew_buf_puts(b, "<p class=\"suggest\">Did you mean ");
	for (size_t i = 0; i < n; i++) {
		ew_buf_puts(b, i == 0 ? "" : i + 1 == n ? " or " : ", ");
		ew_buf_puts(b, "<a href=\"");
		ew_html_href_entry(b, c, s[i]);
		ew_buf_puts(b, "\">");
		ew_html_escape_str(b, s[i]->name);
		ew_buf_puts(b, "</a>");
	}
	ew_buf_puts(b, "?</p>\n");
}

int ew_render_html_search(struct ew_buf *b, const struct ew_answer *a)
{
	struct ew_html_ctx c = {.mode = EW_HTML_SERVER, .root = ""};
	struct ew_buf title;

	if (!b || !a || (unsigned)a->kind > EW_ANSWER_SEARCH || (!a->query && a->query_len) ||
	    (a->n && !a->matches))
		return -EINVAL;
	ew_buf_init(&title);
	ew_buf_puts(&title, "Search: ");
	ew_html_outside(&title, a->query ? a->query : "", a->query_len, TITLE_QUERY_CHARS);
	ew_buf_puts(&title, " — errwhy");
	if (title.failed) {
		ew_buf_free(&title);
		return -ENOMEM;
	}
	ew_html_open(b, &c, title.data, NULL, "search-page");
	ew_buf_free(&title);
	ew_buf_puts(b, "<h1>Search</h1>\n");
	ew_html_search_form(b, &c, a->query ? a->query : "", a->query_len);
	reading(b, a);
	if (a->n) {
		ew_buf_puts(b, "<ol class=\"results\">\n");
		for (size_t i = 0; i < a->n; i++)
			result(b, &a->matches[i], &c);
		ew_buf_puts(b, "</ol>\n");
	}
	suggestions(b, a->suggest, a->n_suggest < 8 ? a->n_suggest : 8, &c);
	ew_html_back_link(b, &c);
	ew_html_close(b, &c);
	return b->failed ? -ENOMEM : 0;
}

/* ---- not found ---------------------------------------------------------------------------- */

/* The last part of a path when it could be an error's name ("/errno/EADRINUSE.html" gives
 * EADRINUSE, "/errno/eadrinuse" too), copied to out; false when it could not. */
static bool last_name(const char *path, size_t len, char *out, size_t size)
{
	size_t start = len, end = len;

	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end - start > 5 && memcmp(path + end - 5, ".html", 5) == 0)
		end -= 5;
	else if (end - start > 5 && memcmp(path + end - 5, ".json", 5) == 0)
		end -= 5;
	/* Every name that can be mistyped starts with E (errno, getaddrinfo and kernel codes) or
	 * S (signals): "/favicon.ico" or "/foo" asks for none. Exit statuses are numbers. */
	if (end - start < 2 || end - start >= size || !strchr("EeSs", path[start]))
		return false;
	for (size_t i = start; i < end; i++) {
		char ch = path[i];
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
			  (i > start && ch >= '0' && ch <= '9');
		if (!ok)
			return false;
	}
	memcpy(out, path + start, end - start);
	out[end - start] = '\0';
	return true;
}

int ew_render_html_not_found(struct ew_buf *b, const char *path, size_t len,
			     enum ew_html_mode mode)
{
	struct ew_html_ctx c = {.mode = mode, .root = ""};
	const struct ew_entry *close[SUGGEST_MAX];
	char name[64];
	size_t n = 0;

	if (!b || !path || (unsigned)mode > EW_HTML_SITE)
		return -EINVAL;
	ew_html_open(b, &c, "Not found — errwhy", NULL, "not-found-page");
	ew_buf_puts(b, "<h1>Not found</h1>\n");
	if (len) {
		ew_buf_puts(b, "<p>There is no page at <code class=\"path\">");
		ew_html_outside(b, path, len, 200);
		ew_buf_puts(b, "</code>.</p>\n");
	} else {
		ew_buf_puts(b, "<p>There is no page at this address.</p>\n");
	}
	if (last_name(path, len, name, sizeof(name)))
		n = ew_suggest(name, close, SUGGEST_MAX, NULL);
	suggestions(b, close, n, &c);
	ew_html_back_link(b, &c);
	ew_html_close(b, &c);
	return b->failed ? -ENOMEM : 0;
}
