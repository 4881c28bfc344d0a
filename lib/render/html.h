/* html.h: what the HTML pages (lib/render/html_*.c) share inside liberrwhy: the one escaping
 * function, inline markup, links that depend on the mode, and the document shell. */
#ifndef ERRWHY_RENDER_HTML_H
#define ERRWHY_RENDER_HTML_H

#include <stddef.h>

#include "render.h"

/* Where a page is and how its links are written: every href goes through this. */
struct ew_html_ctx {
	enum ew_html_mode mode;
	const char *root; /* SITE: the way back to the site's root from the page ("", "../") */
};

/* The one way any text reaches HTML: & < > " ' become character references, so the result is
 * safe between tags and inside a quoted attribute alike. */
void ew_html_escape(struct ew_buf *b, const char *s, size_t n);
void ew_html_escape_str(struct ew_buf *b, const char *s);
/* Outside data (a query, a path): first made visible (ew_buf_append_escaped(): controls and
 * bytes that are not UTF-8 become \xNN), then escaped for HTML. At most max_chars characters;
 * "…" marks a cut. */
void ew_html_outside(struct ew_buf *b, const char *s, size_t n, size_t max_chars);

/* Catalog text with its inline marks: `code` becomes <code>, **bold** <strong>; a man page
 * named in a code span or in running text ("bind(2)") links to man7.org. */
void ew_html_inline(struct ew_buf *b, const char *text, size_t n);
void ew_html_inline_str(struct ew_buf *b, const char *text);
/* Prose: one <p> per paragraph (a blank line separates them). lead, when not NULL, opens the
 * first paragraph in bold ("When it applies:"). cls, when not NULL, is the paragraphs' class. */
void ew_html_prose(struct ew_buf *b, const char *text, const char *lead, const char *cls);
/* A Source: line: its man pages linked, quoted phrases and kernel locations as text. */
void ew_html_source(struct ew_buf *b, const char *source);
/* One reference of a Sources list: a man page linked, a header as code. */
void ew_html_reference(struct ew_buf *b, const char *ref);
/* A verbatim block in <div class="code"><pre><code>, where the script puts its copy button.
 * lang (may be NULL) becomes class="language-LANG"; label (may be NULL) is shown above it. */
void ew_html_code(struct ew_buf *b, const char *text, const char *lang, const char *label,
		  const char *extra_class);

/* Links, written for the mode: the index, an entry's page (in its family's directory:
 * /signal/SIGKILL, or exit/137.html from the root), an asset. */
void ew_html_href_index(struct ew_buf *b, const struct ew_html_ctx *c);
void ew_html_href_entry(struct ew_buf *b, const struct ew_html_ctx *c, const struct ew_entry *e);
void ew_html_href_asset(struct ew_buf *b, const struct ew_html_ctx *c, const char *file);
/* <a class="back" href="...">All Linux / POSIX errors</a>, in a paragraph. */
void ew_html_back_link(struct ew_buf *b, const struct ew_html_ctx *c);

/* "HIGH", "MEDIUM", "LOW" and the badge <span class="conf conf-high">HIGH confidence</span>
 * (short: "HIGH" alone, for lists). */
const char *ew_html_confidence_word(enum ew_confidence c);
void ew_html_badge(struct ew_buf *b, enum ew_confidence c, bool short_form);
/* A category as a heading says it: "Network", "I/O". */
void ew_html_category(struct ew_buf *b, const char *category);

/* The document up to the start of <main>: the title and description (already HTML: escaped
 * by the caller; the description may be NULL), the style sheet and the script, the site's
 * header. body_class names the kind of page. */
void ew_html_open(struct ew_buf *b, const struct ew_html_ctx *c, const char *title_html,
		  const char *description_html, const char *body_class);
/* From the end of <main> to </html>. */
void ew_html_close(struct ew_buf *b, const struct ew_html_ctx *c);

/* The search box; in SITE mode hidden and without an action (the script shows it and filters
 * the index). value (outside data, may be NULL) prefills it. */
void ew_html_search_form(struct ew_buf *b, const struct ew_html_ctx *c, const char *value,
			 size_t value_len);

#endif
