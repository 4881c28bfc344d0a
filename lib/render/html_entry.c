/* html_entry.c: one entry's page, the HTML twin of ew_render_text(): the same sections in the
 * same order under the same headings, each a <section> with an id and a link to itself. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "html.h"

/* <section id="ID"><h2><a href="#ID">heading</a></h2>: the heading's text is catalog text. */
static void section_open(struct ew_buf *b, const char *id, const char *heading, const char *cls)
{
	ew_buf_printf(b, "<section id=\"%s\"", id);
	if (cls)
		ew_buf_printf(b, " class=\"%s\"", cls);
	ew_buf_printf(b, ">\n<h2><a class=\"anchor\" href=\"#%s\">", id);
	ew_html_inline_str(b, heading);
	ew_buf_puts(b, "</a></h2>\n");
}

static void section_close(struct ew_buf *b)
{
	ew_buf_puts(b, "</section>\n");
}

/* "Linux / POSIX · Common · Network · HIGH confidence": the line error references open with. */
static void kicker(struct ew_buf *b, const struct ew_entry *e)
{
	ew_buf_puts(b, "<p class=\"kicker\"><span class=\"family\">");
	ew_html_escape_str(b, ew_family_label(e->family));
	ew_buf_puts(b, "</span>");
	if (e->common)
		ew_buf_puts(b, " · <span class=\"common\">Common</span>");
	ew_buf_puts(b, " · <span class=\"category\">");
	ew_html_category(b, e->category);
	ew_buf_puts(b, "</span> · ");
	ew_html_badge(b, e->confidence, false);
	ew_buf_puts(b, "</p>\n");
}

/* "errno 98", "signal 9", "exit status 137", "getaddrinfo code -2": the number as the
 * family counts it. */
static void number_words(struct ew_buf *b, const struct ew_entry *e)
{
	static const char *const words[EW_FAMILY_COUNT] = {
		[EW_FAMILY_ERRNO] = "errno", [EW_FAMILY_SIGNAL] = "signal",
		[EW_FAMILY_EXIT] = "exit status", [EW_FAMILY_RESOLVER] = "getaddrinfo code",
		[EW_FAMILY_KERNEL] = "kernel code",
	};
	const char *w = (unsigned)e->family < EW_FAMILY_COUNT ? words[e->family] : NULL;

	ew_buf_printf(b, "%s %d", w ? w : "number", e->number);
}

/* The signal an exit status 128+N names, when the catalog has it: its page is linked. */
static const struct ew_entry *status_signal(const struct ew_entry *e)
{
	struct ew_match m;
	size_t total;

	if (e->family != EW_FAMILY_EXIT || !e->signal || !e->symbol ||
	    ew_lookup_in(e->symbol, EW_FAMILY_SIGNAL, &m, 1, &total) != 1 || total != 1)
		return NULL;
	return m.entry;
}

/* "signal 9", "exit status 203 · EXIT_EXEC", "errno 11 · also EWOULDBLOCK". */
static void facts(struct ew_buf *b, const struct ew_entry *e, const struct ew_html_ctx *c)
{
	const struct ew_entry *sig = status_signal(e);

	ew_buf_puts(b, "<p class=\"facts\"><span class=\"number\">");
	number_words(b, e);
	ew_buf_puts(b, "</span>");
	if (e->symbol) {
		ew_buf_puts(b, " · <span class=\"symbol\">");
		if (sig) {
			ew_buf_puts(b, "<a href=\"");
			ew_html_href_entry(b, c, sig);
			ew_buf_puts(b, "\">");
		}
		ew_buf_puts(b, "<code>");
		ew_html_escape_str(b, e->symbol);
		ew_buf_puts(b, sig ? "</code></a></span>" : "</code></span>");
	}
	for (size_t k = 1; k < e->n_numbers; k++) {
		ew_buf_puts(b, k == 1 ? " · <span class=\"aliases\">also " : ", ");
		ew_buf_puts(b, "<code class=\"alias\">");
		ew_html_escape_str(b, e->numbers[k].name);
		ew_buf_puts(b, "</code>");
	}
	if (e->n_numbers > 1)
		ew_buf_puts(b, "</span>");
	ew_buf_puts(b, "</p>\n");
}

/* A signal's nature, as the text page says it under the title: its default action and
 * whether a handler may step in. */
static void signal_facts(struct ew_buf *b, const struct ew_entry *e)
{
	if (!e->action)
		return;
	ew_buf_puts(b, "<p class=\"signal-facts\"><span class=\"label\">Default action:</span> ");
	ew_html_escape_str(b, ew_signal_action_words(e->action));
	ew_buf_puts(b, e->catchable ? ". A program can catch, block or ignore it.</p>\n"
				    : ". No program can catch, block or ignore it.</p>\n");
}

static void header(struct ew_buf *b, const struct ew_entry *e, const struct ew_html_ctx *c)
{
	char why[600];

	ew_buf_puts(b, "<header class=\"entry-head\">\n");
	kicker(b, e);
	ew_buf_puts(b, "<h1>");
	ew_html_escape_str(b, e->name);
	ew_buf_puts(b, "</h1>\n");
	facts(b, e, c);
	ew_buf_puts(b, "<p class=\"title\"><strong>");
	ew_html_inline_str(b, e->title);
	ew_buf_puts(b, "</strong>");
	/* The message in quotes only adds something when it is not the title again. */
	if (strcasecmp(e->title, e->message) != 0) {
		ew_buf_puts(b, " <span class=\"message\">(“");
		ew_html_escape_str(b, e->message);
		ew_buf_puts(b, "”)</span>");
	}
	ew_buf_puts(b, "</p>\n");
	ew_confidence_evidence(e, why, sizeof(why)); /* a cut sentence still reads */
	ew_buf_puts(b, "<p class=\"evidence\"><span class=\"label\">Evidence:</span> ");
	ew_html_inline_str(b, why);
	ew_buf_puts(b, "</p>\n");
	signal_facts(b, e);
	ew_html_back_link(b, c);
	ew_buf_puts(b, "</header>\n");
}

/* A section of items each with its source: a signal's senders (<ul>), the causes (<ol>).
 * Item k's anchor is "<anchor>-k". */
struct sourced_list {
	const char *id, *heading, *tag, *class_name, *anchor;
	const char *const *items, *const *sources;
	size_t n;
};

static void sourced_list(struct ew_buf *b, const struct sourced_list *l)
{
	if (!l->n)
		return;
	section_open(b, l->id, l->heading, NULL);
	ew_buf_printf(b, "<%s class=\"%s\">\n", l->tag, l->class_name);
	for (size_t i = 0; i < l->n; i++) {
		ew_buf_printf(b, "<li id=\"%s-%zu\">\n", l->anchor, i + 1);
		ew_html_prose(b, l->items[i], NULL, NULL);
		if (l->sources && l->sources[i])
			ew_html_source(b, l->sources[i]);
		ew_buf_puts(b, "</li>\n");
	}
	ew_buf_printf(b, "</%s>\n", l->tag);
	section_close(b);
}

static void senders(struct ew_buf *b, const struct ew_entry *e)
{
	sourced_list(b, &(struct sourced_list){"who-sends-it", "Who sends it", "ul", "senders",
					       "sender", e->senders, e->sender_sources,
					       e->n_senders});
}

static void causes(struct ew_buf *b, const struct ew_entry *e)
{
	sourced_list(b, &(struct sourced_list){"why-it-happens", "Why it happens", "ol", "causes",
					       "cause", e->causes, e->cause_sources,
					       e->n_causes});
}

static void seen(struct ew_buf *b, const struct ew_entry *e)
{
	if (!e->seen)
		return;
	section_open(b, "if-you-see-it", "If you see it", NULL);
	ew_html_prose(b, e->seen, NULL, NULL);
	section_close(b);
}

static void reproduce(struct ew_buf *b, const struct ew_entry *e)
{
	if (!e->repro_command)
		return;
	section_open(b, "how-to-reproduce", "How to reproduce", NULL);
	ew_html_code(b, e->repro_command, "sh", NULL, "trigger");
	if (e->repro_output) {
		ew_buf_puts(b, "<p>It prints:</p>\n");
		ew_html_code(b, e->repro_output, NULL, NULL, "output");
	}
	section_close(b);
}

/* The name a code block's language is shown under. */
static const char *lang_label(const char *lang)
{
	static const struct {
		const char *key, *label;
	} labels[] = {
		{"c", "C"}, {"sh", "Shell"}, {"python", "Python"}, {"go", "Go"},
		{"js", "JavaScript"}, {"rust", "Rust"}, {"java", "Java"}, {"perl", "Perl"},
		{"ruby", "Ruby"},
	};
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(lang, labels[i].key) == 0)
			return labels[i].label;
	return lang;
}

static void fix(struct ew_buf *b, const struct ew_fix *f, size_t number)
{
	char id[32], title[300];

	snprintf(id, sizeof(id), "fix-%zu", number);
	snprintf(title, sizeof(title), "Fix %zu: %s", number, f->title);
	section_open(b, id, title, "fix");
	ew_html_prose(b, f->when, "When it applies:", NULL);
	for (size_t k = 0; k < f->n_code; k++) {
		const char *lang = f->code[k].lang;
		/* As on the terminal: the first block is C or shell, and says so only when not. */
		bool label = k > 0 || (strcmp(lang, "c") != 0 && strcmp(lang, "sh") != 0);
		ew_html_code(b, f->code[k].text, lang, label ? lang_label(lang) : NULL, NULL);
	}
	ew_html_prose(b, f->why, "Why this works:", NULL);
	if (f->source)
		ew_html_source(b, f->source);
	section_close(b);
}

/* <ul class="cls">, one <li> per item, each written by put (prose markup or a reference). */
static void item_list(struct ew_buf *b, const char *cls, const char *const *items, size_t n,
		      void (*put)(struct ew_buf *, const char *))
{
	ew_buf_printf(b, "<ul class=\"%s\">\n", cls);
	for (size_t i = 0; i < n; i++) {
		ew_buf_puts(b, "<li>");
		put(b, items[i]);
		ew_buf_puts(b, "</li>\n");
	}
	ew_buf_puts(b, "</ul>\n");
}

static void avoid(struct ew_buf *b, const struct ew_entry *e)
{
	if (!e->n_avoid)
		return;
	section_open(b, "what-not-to-do", "What not to do", NULL);
	item_list(b, "avoid", e->avoid, e->n_avoid, ew_html_inline_str);
	section_close(b);
}

/* Whether the entry has a "Numbers on other systems" table: exit statuses and kernel codes
 * have no other systems to compare with. */
static bool has_numbers(const struct ew_entry *e)
{
	return e->n_numbers > 0 && ew_family_n_systems(e->family) > 0;
}

/* One column per name (the entry's, then its aliases), one row per system. */
static void numbers(struct ew_buf *b, const struct ew_entry *e)
{
	bool dash = false;

	if (!has_numbers(e))
		return;
	section_open(b, "numbers-on-other-systems", "Numbers on other systems", NULL);
	/* The table scrolls inside its box on a narrow screen, never the page. */
	ew_buf_puts(b, "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" "
		       "aria-label=\"Numbers on other systems\">\n<table class=\"numbers\">\n"
		       "<thead><tr><th scope=\"col\">System</th>");
	for (size_t k = 0; k < e->n_numbers; k++) {
		ew_buf_puts(b, "<th scope=\"col\">");
		ew_html_escape_str(b, e->numbers[k].name);
		ew_buf_puts(b, "</th>");
	}
	ew_buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < ew_family_n_systems(e->family); i++) {
		int sys = ew_family_system_at(e->family, i);
		ew_buf_puts(b, "<tr><th scope=\"row\">");
		ew_html_escape_str(b, ew_system_label((enum ew_system)sys));
		ew_buf_puts(b, "</th>");
		for (size_t k = 0; k < e->n_numbers; k++) {
			int32_t v = e->numbers[k].on[sys];
			if (v == EW_NO_NUMBER) {
				ew_buf_puts(b, "<td class=\"none\">—</td>");
				dash = true;
			} else {
				ew_buf_printf(b, "<td>%d</td>", (int)v);
			}
		}
		ew_buf_puts(b, "</tr>\n");
	}
	ew_buf_puts(b, "</tbody>\n</table>\n</div>\n");
	/* A legend for a sign the table does not show is noise. */
	if (dash)
		ew_buf_puts(b, "<p class=\"legend\">— : the system has no such name</p>\n");
	section_close(b);
}

static void sources(struct ew_buf *b, const struct ew_entry *e)
{
	section_open(b, "sources", "Sources", NULL);
	item_list(b, "sources", e->sources, e->n_sources, ew_html_reference);
	section_close(b);
}

static void toc_item(struct ew_buf *b, const char *id, const char *text)
{
	ew_buf_printf(b, "<li><a href=\"#%s\">", id);
	ew_html_inline_str(b, text);
	ew_buf_puts(b, "</a></li>");
}

/* "On this page": a long entry is read by jumping to the part one needs. */
static void toc(struct ew_buf *b, const struct ew_entry *e)
{
	ew_buf_puts(b, "<nav class=\"toc\" aria-label=\"On this page\"><ol>");
	toc_item(b, "what-this-means", "What this means");
	if (e->n_senders)
		toc_item(b, "who-sends-it", "Who sends it");
	if (e->n_causes)
		toc_item(b, "why-it-happens", "Why it happens");
	if (e->seen)
		toc_item(b, "if-you-see-it", "If you see it");
	if (e->repro_command)
		toc_item(b, "how-to-reproduce", "How to reproduce");
	for (size_t i = 0; i < e->n_fixes; i++) {
		char id[32], title[300];
		snprintf(id, sizeof(id), "fix-%zu", i + 1);
		snprintf(title, sizeof(title), "Fix %zu: %s", i + 1, e->fixes[i].title);
		toc_item(b, id, title);
	}
	if (e->n_avoid)
		toc_item(b, "what-not-to-do", "What not to do");
	if (has_numbers(e))
		toc_item(b, "numbers-on-other-systems", "Numbers on other systems");
	toc_item(b, "sources", "Sources");
	ew_buf_puts(b, "</ol></nav>\n");
}

int ew_render_html_entry(struct ew_buf *b, const struct ew_entry *e, enum ew_html_mode mode)
{
	struct ew_html_ctx c = {.mode = mode, .root = "../"};
	struct ew_buf title, about;
	bool failed;

	if (!b || !e || (unsigned)mode > EW_HTML_SITE)
		return -EINVAL;
	ew_buf_init(&title);
	ew_html_escape_str(&title, e->name);
	ew_buf_puts(&title, ": ");
	ew_html_escape_str(&title, e->title);
	ew_buf_puts(&title, " — errwhy");
	/* What a search engine shows under the title. */
	ew_buf_init(&about);
	ew_html_escape_str(&about, e->name);
	ew_buf_puts(&about, " (");
	number_words(&about, e);
	ew_buf_puts(&about, ", &quot;");
	ew_html_escape_str(&about, e->message);
	ew_buf_puts(&about, "&quot;): what it means, why it happens, how to reproduce it and how "
			    "to fix it.");
	failed = title.failed || about.failed;
	if (!failed)
		ew_html_open(b, &c, title.data, about.data, "entry-page");
	ew_buf_free(&title);
	ew_buf_free(&about);
	if (failed)
		return -ENOMEM;
	ew_buf_puts(b, "<article class=\"entry\">\n");
	header(b, e, &c);
	toc(b, e);
	section_open(b, "what-this-means", "What this means", NULL);
	ew_html_prose(b, e->meaning, NULL, NULL);
	section_close(b);
	senders(b, e);
	causes(b, e);
	seen(b, e);
	reproduce(b, e);
	for (size_t i = 0; i < e->n_fixes; i++)
		fix(b, &e->fixes[i], i + 1);
	avoid(b, e);
	numbers(b, e);
	sources(b, e);
	ew_buf_puts(b, "</article>\n");
	ew_html_close(b, &c);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_html_alias(struct ew_buf *b, const struct ew_entry *e, const char *alias,
			 enum ew_html_mode mode)
{
	struct ew_html_ctx c = {.mode = mode, .root = "../"};
	struct ew_buf title;

	if (!b || !e || !alias || (unsigned)mode > EW_HTML_SITE)
		return -EINVAL;
	ew_buf_init(&title);
	ew_html_escape_str(&title, alias);
	ew_buf_puts(&title, " is ");
	ew_html_escape_str(&title, e->name);
	ew_buf_puts(&title, " — errwhy");
	if (title.failed) {
		ew_buf_free(&title);
		return -ENOMEM;
	}
	ew_html_open(b, &c, title.data, NULL, "alias-page");
	ew_buf_free(&title);
	ew_buf_puts(b, "<h1>");
	ew_html_escape_str(b, alias);
	ew_buf_puts(b, "</h1>\n<p>");
	ew_html_escape_str(b, alias);
	ew_buf_puts(b, " is another name for <a href=\"");
	ew_html_href_entry(b, &c, e);
	ew_buf_puts(b, "\">");
	ew_html_escape_str(b, e->name);
	ew_buf_printf(b, "</a> on Linux: the same number, %d, and the same page.</p>\n", e->number);
	ew_html_back_link(b, &c);
	ew_html_close(b, &c);
	return b->failed ? -ENOMEM : 0;
}
