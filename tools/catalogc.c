/* catalogc: the catalog compiler and linter. It reads catalog/<family>/<NAME>.md (format in
 * catalog/README.md), checks every rule, and writes the C tables that liberrwhy compiles in.
 *
 *   catalogc --out catalog_data.c [--repros catalog_repros.c] [--depfile FILE] CATALOG_DIR
 *                                                                 compile
 *   catalogc --lint [--partial] CATALOG_DIR                      check only
 *   catalogc --extract DIR CATALOG_DIR                            examples for the tests
 *
 * Every problem is reported as `file:line: message`, all of them, then the exit status is 1.
 * Linux numbers and messages are not in the files: they come from this system's headers and
 * libc at build time (tools/families.c). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogc.h"

/* Source: on every cause, a check on every C fix, every entry complete (catalog/README.md).
 * A switch, so that a catalog can be brought up to the rules in steps; it stays on. */
#define EW_REQUIRE_PROOF 1

/* ---- small helpers ---------------------------------------------------------------------- */

static int n_errors;

void lint(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	n_errors++;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "catalogc: out of memory\n");
		exit(2);
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

void str_add(struct str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void str_adds(struct str *b, const char *s)
{
	str_add(b, s, strlen(s));
}

/* Hands the string over to the caller and leaves b empty. */
char *str_take(struct str *b)
{
	char *s = b->s ? b->s : xstrdup("");
	*b = (struct str){0};
	return s;
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool blank(const char *s)
{
	return *s == '\0';
}

/* ---- the entry as parsed ---------------------------------------------------------------- */

void list_add(struct list *l, char *item)
{
	l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
	l->items[l->n++] = item;
}

/* ---- reading a file into lines ---------------------------------------------------------- */

static int read_lines(const char *path, struct lines *out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f)
		return -errno;
	*out = (struct lines){0};
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		out->at = xrealloc(out->at, (out->n + 1) * sizeof(*out->at));
		out->at[out->n++] = xstrdup(line);
	}
	free(line);
	fclose(f);
	return 0;
}

/* ---- the parser ------------------------------------------------------------------------- */

/* The sections in the order they must appear. A fix section may repeat. */
enum section {
	SEC_MEANING,
	SEC_SENDERS,
	SEC_CAUSES,
	SEC_SEEN,
	SEC_REPRO,
	SEC_BUILTIN,
	SEC_FIX,
	SEC_AVOID,
	SEC_MESSAGES,
	SEC_NUMBERS,
	SEC_SOURCES,
	SEC_UNKNOWN
};

static enum section section_of(const char *heading)
{
	if (strcmp(heading, "What this means") == 0)
		return SEC_MEANING;
	if (strcmp(heading, "Who sends it") == 0)
		return SEC_SENDERS;
	if (strcmp(heading, "Why it happens") == 0)
		return SEC_CAUSES;
	if (strcmp(heading, "If you see it") == 0)
		return SEC_SEEN;
	if (strcmp(heading, "How to reproduce") == 0)
		return SEC_REPRO;
	if (strcmp(heading, "Built-in reproduction") == 0)
		return SEC_BUILTIN;
	if (starts_with(heading, "Fix: "))
		return SEC_FIX;
	if (strcmp(heading, "What not to do") == 0)
		return SEC_AVOID;
	if (strcmp(heading, "Messages") == 0)
		return SEC_MESSAGES;
	if (strcmp(heading, "Numbers on other systems") == 0)
		return SEC_NUMBERS;
	if (strcmp(heading, "Sources") == 0)
		return SEC_SOURCES;
	return SEC_UNKNOWN;
}

const char *peek(struct parser *p)
{
	return p->i < p->lines.n ? p->lines.at[p->i] : NULL;
}

int lineno(struct parser *p)
{
	return (int)p->i + 1;
}

bool at_heading(struct parser *p)
{
	const char *l = peek(p);
	return l && starts_with(l, "## ");
}

void skip_blank(struct parser *p)
{
	while (peek(p) && blank(peek(p)))
		p->i++;
}

/* Paragraphs up to the next heading, code fence or (when stop_at is set) a line starting with
 * it. Lines of a paragraph are joined by spaces; paragraphs by a blank line. */
char *read_paragraphs(struct parser *p, const char *stop_at)
{
	struct str b = {0};
	bool new_para = false;
	const char *l;

	while ((l = peek(p)) && !starts_with(l, "## ") && !starts_with(l, "```") &&
	       !(stop_at && starts_with(l, stop_at))) {
		p->i++;
		if (blank(l)) {
			new_para = b.len > 0;
			continue;
		}
		if (b.len)
			str_adds(&b, new_para ? "\n\n" : " ");
		new_para = false;
		str_adds(&b, l);
	}
	return b.len ? str_take(&b) : NULL;
}

/* The page indents every line of a code block by 4 columns (lib/render/text.c), so a line of
 * at most this many columns fits an 80-column terminal without wrapping. */
#define EW_CODE_COLUMNS 76

/* Columns a line takes on a terminal: one per UTF-8 character (continuation bytes take none).
 * The catalog writes no double-width characters in code, so counting characters is enough. */
static size_t display_columns(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A fenced block: ```lang, lines, ```. Returns the text; *lang gets the language. */
char *read_fence(struct parser *p, char **lang)
{
	struct str b = {0};
	int start = lineno(p);
	const char *l = peek(p);

	*lang = xstrdup(l + 3);
	if (blank(*lang))
		lint(p->path, start, "a code block needs a language: ```c, ```sh, ```output, ...");
	/* Code that is compiled or run but never shown needs no room on a terminal. */
	size_t n = strlen(*lang);
	bool shown = !p->hidden_code && !(n > 6 && strcmp(*lang + n - 6, " check") == 0);
	p->i++;
	while ((l = peek(p)) && strcmp(l, "```") != 0) {
		size_t width = display_columns(l);
		if (shown && width > EW_CODE_COLUMNS)
			lint(p->path, lineno(p),
			     "code line is %zu columns wide; at most %d fit an 80-column terminal",
			     width, EW_CODE_COLUMNS);
		str_adds(&b, l);
		str_adds(&b, "\n");
		p->i++;
	}
	if (!l) {
		lint(p->path, start, "code block is not closed with ```");
		return str_take(&b);
	}
	p->i++;
	if (b.len && b.s[b.len - 1] == '\n')
		b.s[--b.len] = '\0';
	if (!b.len)
		lint(p->path, start, "empty code block");
	return str_take(&b);
}

/* Ends the list item being gathered in b, if one was started: an empty one is an error. */
static void flush_item(struct parser *p, struct list *out, struct str *b)
{
	if (!b->s)
		return;
	if (b->len == 0) {
		lint(p->path, lineno(p), "an empty list item");
		free(str_take(b));
		return;
	}
	list_add(out, str_take(b));
}

/* A "- item" list; an item may continue on lines indented by two spaces. */
static void read_dash_list(struct parser *p, struct list *out, const char *what)
{
	const char *l;
	struct str b = {0};

	skip_blank(p);
	while ((l = peek(p)) && !starts_with(l, "## ")) {
		if (starts_with(l, "- ")) {
			flush_item(p, out, &b);
			str_adds(&b, l + 2);
		} else if (starts_with(l, "  ") && b.len) {
			str_adds(&b, " ");
			str_adds(&b, l + 2 + strspn(l + 2, " "));
		} else if (!blank(l)) {
			lint(p->path, lineno(p), "%s: expected a '- ' list item", what);
		}
		p->i++;
	}
	flush_item(p, out, &b);
	if (out->n == 0)
		lint(p->path, lineno(p), "%s: the list is empty", what);
}

/* "1. cause", "2. cause", ... continuation lines indented by three spaces. */
/* Ends a cause: its text goes to out, its Source: line (or NULL) to sources. */
static void flush_cause(struct parser *p, struct list *out, struct list *sources,
			struct str *b, char **source)
{
	if (!b->s)
		return;
	flush_item(p, out, b);
	while (sources->n + 1 < out->n)
		list_add(sources, NULL);
	list_add(sources, *source);
	*source = NULL;
}

/* "1. cause", "2. cause", ... continuation lines indented by three spaces; the last of them
 * may be "Source: ...", which is kept apart from the cause's text. */
static void read_numbered_list(struct parser *p, struct list *out, struct list *sources)
{
	const char *l;
	struct str b = {0};
	bool new_para = false;
	char *source = NULL;

	skip_blank(p);
	while ((l = peek(p)) && !starts_with(l, "## ")) {
		char *end;
		long n = strtol(l, &end, 10);

		if (isdigit((unsigned char)l[0]) && starts_with(end, ". ")) {
			flush_cause(p, out, sources, &b, &source);
			if (n != (long)out->n + 1)
				lint(p->path, lineno(p), "causes must be numbered 1, 2, 3...: expected %zu",
				     out->n + 1);
			str_adds(&b, end + 2);
			new_para = false;
		} else if (starts_with(l, "   Source: ") && b.len) {
			if (source)
				lint(p->path, lineno(p), "a cause has one Source: line");
			free(source);
			source = xstrdup(l + strlen("   Source: "));
			check_claim_source(p->path, lineno(p), source);
		} else if (starts_with(l, "   ") && b.len) {
			if (source)
				lint(p->path, lineno(p), "Source: is the last line of its cause");
			str_adds(&b, new_para ? "\n\n" : " ");
			str_adds(&b, l + 3 + strspn(l + 3, " "));
			new_para = false;
		} else if (blank(l)) {
			new_para = b.len > 0;
		} else {
			lint(p->path, lineno(p), "expected a numbered cause ('1. ...') or a line indented by three spaces");
		}
		p->i++;
	}
	flush_cause(p, out, sources, &b, &source);
	if (out->n == 0)
		lint(p->path, lineno(p), "'Why it happens' has no causes");
}

/* "Who sends it": "- sender", continued on lines indented by two spaces, the last of which is
 * "  Source: ...", kept apart as a cause's is. */
static void read_senders(struct parser *p, struct entry *e)
{
	const char *l;
	struct str b = {0};
	char *source = NULL;

	skip_blank(p);
	while ((l = peek(p)) && !starts_with(l, "## ")) {
		if (starts_with(l, "- ")) {
			flush_cause(p, &e->senders, &e->sender_sources, &b, &source);
			str_adds(&b, l + 2);
		} else if (starts_with(l, "  Source: ") && b.len) {
			if (source)
				lint(p->path, lineno(p), "a sender has one Source: line");
			free(source);
			source = xstrdup(l + strlen("  Source: "));
			check_claim_source(p->path, lineno(p), source);
		} else if (starts_with(l, "  ") && b.len && !source) {
			str_adds(&b, " ");
			str_adds(&b, l + 2 + strspn(l + 2, " "));
		} else if (!blank(l)) {
			lint(p->path, lineno(p), "Who sends it: expected '- sender', a line indented "
			     "by two spaces, or its last line '  Source: ...'");
		}
		p->i++;
	}
	flush_cause(p, &e->senders, &e->sender_sources, &b, &source);
	for (size_t i = 0; i < e->senders.n; i++)
		if (!e->sender_sources.items[i])
			lint(p->path, lineno(p), "sender %zu has no 'Source:' line", i + 1);
}

static void parse_repro(struct parser *p, struct entry *e)
{
	char *lang;
	int start = lineno(p);

	free(read_paragraphs(p, NULL)); /* prose before the blocks is for readers of the file */
	while (peek(p) && !at_heading(p)) {
		if (!starts_with(peek(p), "```")) {
			p->i++;
			continue;
		}
		int at = lineno(p);
		char *text = read_fence(p, &lang);
		if (starts_with(lang, "sh") && !e->repro_command) {
			e->repro_command = text;
			e->repro_line = at;
			e->repro_mode = xstrdup(lang + 2 + strspn(lang + 2, " "));
			if (strcmp(lang, "sh") != 0 && strcmp(lang, "sh root") != 0 &&
			    !(starts_with(lang, "sh unchecked: ") && !blank(lang + 14)))
				lint(p->path, at, "a trigger is ```sh, ```sh root or "
				     "```sh unchecked: REASON");
		} else if (strcmp(lang, "output") == 0 && e->repro_command && !e->repro_output)
			e->repro_output = text;
		else {
			lint(p->path, at, "'How to reproduce' takes one ```sh block, then one ```output block");
			free(text);
		}
		free(lang);
		skip_blank(p);
	}
	/* A trigger that cannot run here may come without output: none was seen to paste. */
	bool unchecked = e->repro_mode && starts_with(e->repro_mode, "unchecked: ");
	if (unchecked && e->repro_output)
		lint(p->path, start, "an unchecked trigger has no ```output block: nothing here "
		     "saw what it prints");
	if (!e->repro_command || (!e->repro_output && !unchecked))
		lint(p->path, start, "'How to reproduce' needs a ```sh block followed by an ```output block");
}

/* A fix's hidden check: at most one, ```c check or ```sh check. */
static bool take_check(struct parser *p, struct fix *f, char *lang, char *text, int at)
{
	if (strcmp(lang, "c check") != 0 && strcmp(lang, "sh check") != 0)
		return false;
	if (f->check.lang)
		lint(p->path, at, "a fix has one check block");
	f->check = (struct code){lang, text, at};
	return true;
}

/* The fix's code blocks: shown ones in order, and the hidden check among them. */
static void read_fix_code(struct parser *p, struct fix *f)
{
	char *lang;

	while (peek(p) && starts_with(peek(p), "```")) {
		int code_at = lineno(p);
		char *text = read_fence(p, &lang);
		if (!take_check(p, f, lang, text, code_at)) {
			if (f->n_code == 0 && strcmp(lang, "c") != 0 && strcmp(lang, "sh") != 0)
				lint(p->path, code_at, "the first code block of a fix must be ```c or ```sh");
			f->code = xrealloc(f->code, (f->n_code + 1) * sizeof(*f->code));
			f->code[f->n_code++] = (struct code){lang, text, code_at};
		}
		skip_blank(p);
	}
}

static bool fix_has_c(const struct fix *f)
{
	for (size_t k = 0; k < f->n_code; k++)
		if (strcmp(f->code[k].lang, "c") == 0)
			return true;
	return false;
}

/* "When:", code, "Why:", then "Source:" and the check may follow. */
static void parse_fix(struct parser *p, struct entry *e, const char *title, int at)
{
	struct fix f = {.title = xstrdup(title), .line = at};

	if (blank(title))
		lint(p->path, at, "a fix needs a title: '## Fix: Do this'");
	skip_blank(p);
	if (!peek(p) || !starts_with(peek(p), "When: "))
		lint(p->path, lineno(p), "a fix starts with a 'When: ' paragraph");
	else {
		char *when = read_paragraphs(p, "Why: ");
		f.when = xstrdup(when + strlen("When: "));
		free(when);
	}
	skip_blank(p);
	read_fix_code(p, &f);
	if (f.n_code == 0)
		lint(p->path, lineno(p), "a fix needs at least one code block after 'When:'");
	if (!peek(p) || !starts_with(peek(p), "Why: "))
		lint(p->path, lineno(p), "a fix ends with a 'Why: ' paragraph after its code");
	else {
		char *why = read_paragraphs(p, "Source: ");
		f.why = xstrdup(why + strlen("Why: "));
		free(why);
	}
	skip_blank(p);
	if (peek(p) && starts_with(peek(p), "Source: ")) {
		int source_at = lineno(p);
		char *source = read_paragraphs(p, NULL);
		f.source = xstrdup(source + strlen("Source: "));
		free(source);
		check_claim_source(p->path, source_at, f.source);
	}
	skip_blank(p);
	size_t shown = f.n_code;
	read_fix_code(p, &f);
	if (f.n_code != shown)
		lint(p->path, lineno(p), "after 'Why:' only a check block may follow");
	if (peek(p) && !at_heading(p))
		lint(p->path, lineno(p), "unexpected text after the fix's 'Why:' paragraph");
	if (EW_REQUIRE_PROOF && fix_has_c(&f) && !f.check.lang)
		lint(p->path, at, "a fix with C code needs a ```c check or ```sh check block");
	e->fixes = xrealloc(e->fixes, (e->n_fixes + 1) * sizeof(*e->fixes));
	e->fixes[e->n_fixes++] = f;
}

static int table_cells(const char *line, char cells[][32], int max)
{
	int n = 0;
	const char *s = line;

	if (*s != '|')
		return -1;
	s++;
	while (*s) {
		const char *bar = strchr(s, '|');
		if (!bar)
			return -1;
		while (s < bar && *s == ' ')
			s++;
		const char *end = bar;
		while (end > s && end[-1] == ' ')
			end--;
		if (n == max || end - s >= 32)
			return -1;
		memcpy(cells[n], s, (size_t)(end - s));
		cells[n][end - s] = '\0';
		n++;
		s = bar + 1;
	}
	return n;
}

/* One row of the numbers table; systems the family does not show stay without a number.
 * Numbers are positive, except getaddrinfo's codes, which are negative on some systems. */
static void add_numbers_row(struct parser *p, struct entry *e, const struct family *f,
			    char cells[][32])
{
	struct numbers_row row;
	bool negative_ok = strcmp(e->family, "resolver") == 0;

	row.name = xstrdup(cells[0]);
	for (int k = 0; k < N_SYSTEMS; k++)
		row.on[k] = LONG_MIN;
	for (int c = 0; c < f->n_columns; c++) {
		const char *cell = cells[c + 1];
		long v;
		char *end;
		if (strcmp(cell, "-") == 0)
			continue;
		errno = 0;
		v = strtol(cell, &end, 10);
		if (errno || *end || end == cell || v == 0 || v > 65535 || v < (negative_ok ? -65535 : 1))
			lint(p->path, lineno(p), "%s: '%s' is neither a number nor '-'",
			     f->column_labels[c], cell);
		row.on[f->columns[c]] = v;
	}
	e->numbers = xrealloc(e->numbers, (e->n_numbers + 1) * sizeof(*e->numbers));
	e->numbers[e->n_numbers++] = row;
}

/* "Numbers on other systems": the family's columns (tools/families.c), one row for the name
 * and one per alias. */
static void parse_numbers(struct parser *p, struct entry *e)
{
	const struct family *f = family_find(e->family);
	char cells[N_SYSTEMS + 2][32];
	int at, n = f->n_columns;

	skip_blank(p);
	at = lineno(p);
	if (!peek(p) || table_cells(peek(p), cells, N_SYSTEMS + 2) != n + 1 ||
	    strcmp(cells[0], "name") != 0) {
		lint(p->path, at, "the numbers table starts with | name | %s | ... | (%d columns)",
		     f->n_columns ? f->column_labels[0] : "?", n + 1);
		return;
	}
	for (int k = 0; k < n; k++)
		if (strcmp(cells[k + 1], f->column_labels[k]) != 0)
			lint(p->path, at, "numbers table column %d must be '%s', not '%s'", k + 2,
			     f->column_labels[k], cells[k + 1]);
	p->i++;
	if (!peek(p) || !starts_with(peek(p), "|-"))
		lint(p->path, lineno(p), "the numbers table needs a |---|---| row under its header");
	else
		p->i++;
	while (peek(p) && starts_with(peek(p), "|")) {
		if (table_cells(peek(p), cells, N_SYSTEMS + 2) != n + 1)
			lint(p->path, lineno(p), "a numbers row has %d cells: a name and one per system",
			     n + 1);
		else
			add_numbers_row(p, e, f, cells);
		p->i++;
	}
	skip_blank(p);
	if (peek(p) && !at_heading(p))
		lint(p->path, lineno(p), "unexpected text after the numbers table");
}

bool valid_source(const char *s)
{
	size_t n = strlen(s);

	if (s[0] == '<')
		return n > 4 && strcmp(s + n - 3, ".h>") == 0 &&
		       strspn(s + 1, "abcdefghijklmnopqrstuvwxyz0123456789_-./") == n - 2;
	const char *open = strchr(s, '(');
	return open && open > s && s[n - 1] == ')' && isdigit((unsigned char)open[1]) &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.+-") == (size_t)(open - s);
}

/* Whether the entry's family takes the "- key: value" line l (category and common: all). */
static bool family_takes(const char *family, const char *l)
{
	size_t n = strcspn(l + 2, ":");

	if (strncmp(l + 2, "category", n) == 0 || strncmp(l + 2, "common", n) == 0)
		return n == strlen("category") || n == strlen("common");
	for (const char *const *k = family_find(family)->keys; *k; k++)
		if (strlen(*k) == n && strncmp(l + 2, *k, n) == 0)
			return true;
	return false;
}

/* The keys of the other families (signal: action, catchable; exit: symbol; kernel: number).
 * Returns whether l was one of them. */
static bool family_key(struct parser *p, struct entry *e, const char *l, const char *value)
{
	char **slot = starts_with(l, "- action: ") ? &e->action
		    : starts_with(l, "- symbol: ") ? &e->symbol
		    : starts_with(l, "- number: ") ? &e->number_key : NULL;

	if (starts_with(l, "- catchable: ")) {
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
			lint(p->path, lineno(p), "catchable is 'yes' or 'no'");
		e->catchable = strcmp(value, "no") != 0;
		return true;
	}
	if (!slot)
		return false;
	if (*slot)
		lint(p->path, lineno(p), "'%s' is given twice", l);
	free(*slot);
	*slot = xstrdup(value);
	return true;
}

static void parse_header(struct parser *p, struct entry *e)
{
	const char *l;

	l = peek(p);
	if (!l || !starts_with(l, "# ")) {
		lint(p->path, 1, "an entry starts with '# NAME'");
		return;
	}
	e->name = xstrdup(l + 2);
	p->i++;
	skip_blank(p);
	l = peek(p);
	if (!l || !starts_with(l, "> ")) {
		lint(p->path, lineno(p), "the title follows the name, as '> Title'");
	} else {
		e->title = xstrdup(l + 2);
		if (strlen(e->title) > 60)
			lint(p->path, lineno(p), "the title is longer than 60 characters");
		if (!isupper((unsigned char)e->title[0]))
			lint(p->path, lineno(p), "the title is in title case");
		p->i++;
	}
	skip_blank(p);
	while ((l = peek(p)) && starts_with(l, "- ")) {
		const char *colon = strstr(l, ": ");
		if (!colon) {
			lint(p->path, lineno(p), "expected '- key: value'");
		} else if (starts_with(l, "- category: ")) {
			if (e->category)
				lint(p->path, lineno(p), "category is given twice");
			free(e->category);
			e->category = xstrdup(colon + 2);
			bool known = false;
			for (const char *const *k = family_find(e->family)->categories; *k; k++)
				known |= strcmp(e->category, *k) == 0;
			if (!known)
				lint(p->path, lineno(p), "unknown category '%s' for a %s entry (see "
				     "catalog/README.md)", e->category, e->family);
		} else if (starts_with(l, "- common: ")) {
			if (strcmp(colon + 2, "yes") != 0 && strcmp(colon + 2, "no") != 0)
				lint(p->path, lineno(p), "common is 'yes' or 'no'");
			e->common = strcmp(colon + 2, "yes") == 0;
		} else if (!family_takes(e->family, l)) {
			lint(p->path, lineno(p), "a %s entry has no key '%.*s' (catalog/README.md)",
			     e->family, (int)(colon - l - 2), l + 2);
		} else if (family_key(p, e, l, colon + 2)) {
			/* read by family_key */
		} else if (starts_with(l, "- returned: ")) {
			if (strcmp(colon + 2, "yes") != 0 && strcmp(colon + 2, "no") != 0)
				lint(p->path, lineno(p), "returned is 'yes' or 'no'");
			e->returned = strcmp(colon + 2, "no") != 0;
		} else if (starts_with(l, "- aliases: ")) {
			char *copy = xstrdup(colon + 2), *save = NULL;
			for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
				list_add(&e->aliases, xstrdup(w));
			free(copy);
		} else {
			lint(p->path, lineno(p), "unknown key in '%s' (catalog/README.md)", l);
		}
		p->i++;
	}
	if (!e->category)
		lint(p->path, lineno(p), "missing '- category: ...'");
}

/* Every Messages item of the catalog, entries' and forms.md's, in the order read. */
static struct msg_items messages;

static void parse_sections(struct parser *p, struct entry *e)
{
	enum section last = SEC_MEANING;
	bool seen[SEC_UNKNOWN] = {0};

	skip_blank(p);
	while (peek(p)) {
		const char *l = peek(p);
		int at = lineno(p);
		if (!starts_with(l, "## ")) {
			lint(p->path, at, "expected a '## Section' heading");
			p->i++;
			continue;
		}
		const char *heading = l + 3;
		enum section s = section_of(heading);
		p->i++;
		if (s == SEC_UNKNOWN) {
			lint(p->path, at, "unknown section '%s'", heading);
			while (peek(p) && !at_heading(p))
				p->i++;
			continue;
		}
		if (s < last || (seen[s] && s != SEC_FIX))
			lint(p->path, at, "section '%s' is out of order or repeated", heading);
		last = s;
		seen[s] = true;
		switch (s) {
		case SEC_MEANING:
			skip_blank(p);
			free(e->meaning); /* a repeated section was reported above */
			e->meaning = read_paragraphs(p, NULL);
			if (!e->meaning)
				lint(p->path, at, "'What this means' is empty");
			break;
		case SEC_SENDERS:
			read_senders(p, e);
			break;
		case SEC_CAUSES:
			read_numbered_list(p, &e->causes, &e->cause_sources);
			break;
		case SEC_SEEN:
			skip_blank(p);
			free(e->seen);
			e->seen = read_paragraphs(p, NULL);
			if (!e->seen || (peek(p) && !at_heading(p)))
				lint(p->path, at, "'If you see it' is prose only");
			break;
		case SEC_BUILTIN:
			parse_builtin(p, e);
			break;
		case SEC_REPRO:
			skip_blank(p);
			parse_repro(p, e);
			break;
		case SEC_FIX:
			parse_fix(p, e, heading + strlen("Fix: "), at);
			break;
		case SEC_AVOID:
			read_dash_list(p, &e->avoid, "What not to do");
			break;
		case SEC_MESSAGES:
			skip_blank(p);
			msg_parse(p->path, p->lines.at, p->lines.n, &p->i, e->name, false, &messages);
			break;
		case SEC_NUMBERS:
			parse_numbers(p, e);
			break;
		case SEC_SOURCES:
			read_dash_list(p, &e->sources, "Sources");
			break;
		case SEC_UNKNOWN:
			break;
		}
		skip_blank(p);
	}
	if (!seen[SEC_MEANING])
		lint(p->path, at_heading(p) ? lineno(p) : 1, "missing section 'What this means'");
	if (!seen[SEC_NUMBERS] && family_find(e->family)->n_columns)
		lint(p->path, 1, "missing section 'Numbers on other systems'");
	if (seen[SEC_NUMBERS] && !family_find(e->family)->n_columns)
		lint(p->path, 1, "a %s entry has no 'Numbers on other systems'", e->family);
	if (!seen[SEC_SOURCES])
		lint(p->path, 1, "missing section 'Sources'");
}

/* Whitespace rules apply to the whole file, before any structure. */
static void check_text(struct parser *p)
{
	for (size_t i = 0; i < p->lines.n; i++) {
		const char *l = p->lines.at[i];
		size_t n = strlen(l);
		if (strchr(l, '\t'))
			lint(p->path, (int)i + 1, "tab character: use spaces");
		if (n && l[n - 1] == ' ')
			lint(p->path, (int)i + 1, "trailing space");
		if (strchr(l, '\r'))
			lint(p->path, (int)i + 1, "carriage return: the file must use \\n line ends");
	}
}

/* ---- checks across the entry and the system --------------------------------------------- */

/* catalog/README.md, "Completeness": an entry Linux returns is proven or says why not, and
 * fixed; one it never returns says what seeing it means. */
bool entry_complete(const struct entry *e)
{
	bool unchecked = e->repro_mode && starts_with(e->repro_mode, "unchecked: ");

	if (!e->meaning || !e->causes.n)
		return false;
	if (!e->returned)
		return e->seen != NULL;
	return e->repro_command && (e->repro_output || unchecked) &&
	       (e->repro_body.text || e->unreproduced) && e->n_fixes;
}

/* The rules that tie the sections to "returned" and to each other. */
static void check_proof(const struct entry *e)
{
	for (size_t i = 0; EW_REQUIRE_PROOF && i < e->causes.n; i++)
		if (!e->cause_sources.items[i])
			lint(e->path, 1, "cause %zu has no 'Source:' line", i + 1);
	if (!e->returned && (e->repro_body.text || e->unreproduced || e->repro_command))
		lint(e->path, 1, "'returned: no' contradicts a reproduction: Linux never returns it");
	if (e->returned && e->seen)
		lint(e->path, 1, "'If you see it' belongs to entries with 'returned: no'");
	if (EW_REQUIRE_PROOF && !entry_complete(e))
		lint(e->path, 1, e->returned ?
		     "incomplete: an entry needs meaning, causes, How to reproduce, Built-in "
		     "reproduction and a fix (catalog/README.md, Completeness)" :
		     "incomplete: an entry with 'returned: no' needs meaning, causes and "
		     "'If you see it'");
}

static void check_entry(struct entry *e, const char *file_name)
{
	char expect[PATH_MAX];

	if (!e->name)
		return;
	snprintf(expect, sizeof(expect), "%s.md", e->name);
	if (strcmp(expect, file_name) != 0)
		lint(e->path, 1, "the heading '# %s' does not match the file name", e->name);
	family_check(e);
	if (!e->message)
		return;
	if (!family_find(e->family)->n_columns)
		goto rest;
	if (e->n_numbers != e->aliases.n + 1)
		lint(e->path, 1, "the numbers table needs one row for %s and one per alias", e->name);
	for (size_t i = 0; i < e->n_numbers; i++) {
		const char *want = i == 0 ? e->name : i <= e->aliases.n ? e->aliases.items[i - 1] : "?";
		if (strcmp(e->numbers[i].name, want) != 0)
			lint(e->path, 1, "numbers row %zu is for '%s', expected '%s'", i + 1,
			     e->numbers[i].name, want);
	}
rest:
	for (size_t i = 0; i < e->sources.n; i++)
		if (!valid_source(e->sources.items[i]) &&
		    !(strcmp(e->family, "kernel") == 0 &&
		      valid_kernel_source(e->sources.items[i])))
			lint(e->path, 1, "source '%s' is neither page(section) nor <header.h>%s",
			     e->sources.items[i],
			     strcmp(e->family, "kernel") == 0 ? " nor linux vX.Y file" : "");
	check_proof(e);
}

/* catalog/README.md, "Confidence": high is earned by a reproduction, which the test suite runs
 * (tests/cli/repro.sh fails when one does not reproduce); low is "Linux never returns it". */
const char *entry_confidence(const struct entry *e)
{
	if (e->repro_body.text)
		return "EW_CONFIDENCE_HIGH";
	if (!e->returned)
		return "EW_CONFIDENCE_LOW";
	for (size_t i = 0; i < e->sources.n; i++) {
		const char *s = e->sources.items[i];
		if (s[0] != '<' && strcmp(s, "errno(3)") != 0)
			return "EW_CONFIDENCE_MEDIUM";
	}
	return "EW_CONFIDENCE_LOW";
}

/* ---- reading the catalog ---------------------------------------------------------------- */

struct catalog {
	struct entry *entries;
	size_t n;
	struct list files; /* every path read, for the depfile */
	struct list dirs;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void parse_file(struct catalog *cat, const char *family, const char *dir, const char *name)
{
	char *path;
	struct parser p = {0};
	struct entry e = {.family = family, .returned = true, .catchable = true};
	int r;

	if (asprintf(&path, "%s/%s", dir, name) < 0) {
		fprintf(stderr, "catalogc: out of memory\n");
		exit(2);
	}
	p.path = path;
	e.path = p.path;
	list_add(&cat->files, path);
	r = read_lines(path, &p.lines);
	if (r < 0) {
		lint(path, 0, "cannot read: %s", strerror(-r));
		return;
	}
	check_text(&p);
	parse_header(&p, &e);
	parse_sections(&p, &e);
	check_entry(&e, name);
	cat->entries = xrealloc(cat->entries, (cat->n + 1) * sizeof(*cat->entries));
	cat->entries[cat->n++] = e;
	for (size_t i = 0; i < p.lines.n; i++)
		free(p.lines.at[i]);
	free(p.lines.at);
}

static void read_family(struct catalog *cat, const char *root, const char *family, bool partial)
{
	char dir[PATH_MAX];
	struct list names = {0};
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/%s", root, family);
	list_add(&cat->dirs, xstrdup(dir));
	dp = opendir(dir);
	/* A test's small catalog has some families; the full catalog gains a family when its
	 * folder appears, and from then on must cover it whole (family_check_coverage). */
	if (!dp && errno == ENOENT && (partial || strcmp(family, "errno") != 0))
		return;
	if (dp)
		family_present(family);
	if (!dp) {
		lint(dir, 0, "cannot open the folder: %s", strerror(errno));
		return;
	}
	while ((d = readdir(dp))) {
		size_t n = strlen(d->d_name);
		if (d->d_name[0] == '.')
			continue;
		if (n < 4 || strcmp(d->d_name + n - 3, ".md") != 0) {
			lint(dir, 0, "'%s' is not an entry: entries are NAME.md", d->d_name);
			continue;
		}
		list_add(&names, xstrdup(d->d_name));
	}
	closedir(dp);
	qsort(names.items, names.n, sizeof(*names.items), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		parse_file(cat, family, dir, names.items[i]);
		free(names.items[i]);
	}
	free(names.items);
}

/* catalog/forms.md: the forms, markers and resolver texts that belong to no one entry. */
static void read_forms(struct catalog *cat, const char *root, bool partial)
{
	char *path;
	struct lines lines;
	size_t i = 0;
	int r;

	if (asprintf(&path, "%s/forms.md", root) < 0) {
		fprintf(stderr, "catalogc: out of memory\n");
		exit(2);
	}
	r = read_lines(path, &lines);
	if (r == -ENOENT && partial) { /* a test's small catalog may have none */
		free(path);
		return;
	}
	list_add(&cat->files, path);
	if (r < 0) {
		lint(path, 0, "cannot read: %s", strerror(-r));
		return;
	}
	msg_parse(path, lines.at, lines.n, &i, NULL, true, &messages);
	for (size_t k = 0; k < lines.n; k++)
		free(lines.at[k]);
	free(lines.at);
}

/* Names are unique across families, so that a name finds one entry ("errwhy EPROBE_DEFER"). */
static void check_unique_names(const struct catalog *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = i + 1; k < c->n; k++)
			if (c->entries[i].name && c->entries[k].name &&
			    strcmp(c->entries[i].name, c->entries[k].name) == 0 &&
			    strcmp(c->entries[i].family, c->entries[k].family) != 0)
				lint(c->entries[k].path, 1, "%s is also a %s entry", c->entries[k].name,
				     c->entries[i].family);
}

/* ---- writing C -------------------------------------------------------------------------- */

void put_cstr(FILE *out, const char *s)
{
	if (!s) {
		fputs("NULL", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		switch (*s) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs(s[1] ? "\\n\"\n\t\"" : "\\n", out); break;
		case '?': fputs("\\?", out); break; /* no trigraphs, ever */
		default:
			if ((unsigned char)*s < 0x20)
				fprintf(out, "\\%03o", (unsigned char)*s);
			else
				fputc(*s, out);
		}
	}
	fputc('"', out);
}

static int family_index(const char *family)
{
	return (int)(family_find(family) - families);
}

/* Entries go out family by family, each in the order of its Linux numbers, as errno -l and
 * kill -l list them; getaddrinfo's negative codes from -1 down. */
static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int fx = family_index(x->family), fy = family_index(y->family);
	int nx = x->number < 0 ? -x->number : x->number, ny = y->number < 0 ? -y->number : y->number;

	if (fx != fy)
		return fx - fy;
	return (nx > ny) - (nx < ny);
}

static int write_c(const struct catalog *cat, const char *path)
{
	FILE *out = fopen(path, "w");

	if (!out) {
		fprintf(stderr, "catalogc: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs("/* catalog_data.c: generated by tools/catalogc from catalog/. Do not edit. */\n"
	      "#include <errno.h>\n#include <stddef.h>\n\n#include \"catalog.h\"\n\n", out);
	put_tables(out, cat->entries, cat->n, &messages);
	if (fclose(out) != 0) {
		fprintf(stderr, "catalogc: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The reproductions apart from the data: patternc and the fuzzers link the tables alone. */
static int write_repros(const struct catalog *cat, const char *path)
{
	FILE *out = fopen(path, "w");

	if (!out) {
		fprintf(stderr, "catalogc: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* repro.h first: the bodies need its feature macros and headers. */
	fputs("/* catalog_repros.c: generated by tools/catalogc from catalog/. Do not edit. */\n"
	      "#include \"repro/repro.h\"\n\n#include <stddef.h>\n\n#include \"catalog.h\"\n\n",
	      out);
	put_repros(out, cat->entries, cat->n);
	if (fclose(out) != 0) {
		fprintf(stderr, "catalogc: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_depfile(const struct catalog *cat, const char *path, const char *target)
{
	FILE *out = fopen(path, "w");

	if (!out)
		return -1;
	fprintf(out, "%s:", target);
	for (size_t i = 0; i < cat->dirs.n; i++)
		fprintf(out, " \\\n  %s", cat->dirs.items[i]);
	for (size_t i = 0; i < cat->files.n; i++)
		fprintf(out, " \\\n  %s", cat->files.items[i]);
	fputc('\n', out);
	return fclose(out);
}

/* ---- main ------------------------------------------------------------------------------- */

/* Static, so that everything read stays reachable until exit: leak checkers stay quiet. */
static struct catalog cat;

static int usage(void)
{
	fputs("usage: catalogc --out FILE.c [--repros FILE.c] [--depfile FILE] [--partial] CATALOG_DIR\n"
	      "       catalogc --lint [--partial] CATALOG_DIR\n"
	      "       catalogc --extract DIR [--partial] CATALOG_DIR\n"
	      "--extract: every trigger, fix block and check as files under DIR/NAME/\n"
	      "--partial: a catalog that need not cover every errno of this system (for tests)\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *depfile = NULL, *root = NULL, *extract = NULL, *repros = NULL;
	bool lint_only = false, partial = false;


	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--depfile") == 0 && i + 1 < argc)
			depfile = argv[++i];
		else if (strcmp(argv[i], "--repros") == 0 && i + 1 < argc)
			repros = argv[++i];
		else if (strcmp(argv[i], "--extract") == 0 && i + 1 < argc)
			extract = argv[++i];
		else if (strcmp(argv[i], "--lint") == 0)
			lint_only = true;
		else if (strcmp(argv[i], "--partial") == 0)
			partial = true;
		else if (argv[i][0] != '-' && !root)
			root = argv[i];
		else
			return usage();
	}
	if (!root || (!out && !lint_only && !extract))
		return usage();

	for (size_t f = 0; f < n_families; f++)
		read_family(&cat, root, families[f].key, partial);
	family_add_signal_exits(&cat.entries, &cat.n);
	check_unique_names(&cat);
	read_forms(&cat, root, partial);
	if (!partial)
		family_check_coverage(root);
	if (n_errors) {
		fprintf(stderr, "catalogc: %d problem%s in the catalog\n", n_errors,
			n_errors == 1 ? "" : "s");
		return 1;
	}
	qsort(cat.entries, cat.n, sizeof(*cat.entries), cmp_entry);
	if (extract)
		return extract_examples(cat.entries, cat.n, extract) < 0 ? 1 : 0;
	if (lint_only) {
		printf("catalogc: %zu entries, all well-formed\n", cat.n);
		return 0;
	}
	if (write_c(&cat, out) < 0 || (repros && write_repros(&cat, repros) < 0))
		return 1;
	if (depfile && write_depfile(&cat, depfile, out) < 0) {
		fprintf(stderr, "catalogc: %s: %s\n", depfile, strerror(errno));
		return 1;
	}
	return 0;
}
