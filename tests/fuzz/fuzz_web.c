/* fuzz_web.c: libFuzzer harness for the web catalog's pages of outside data: a search-box
 * query (ew_answer_query, then its HTML page and its JSON), and a path nobody serves (the
 * "not found" page, in both link modes). Properties, each an abort() naming the page:
 *  1. the HTML is text a terminal may get (valid UTF-8, no controls), so a query's bytes
 *     arrive escaped;
 *  2. the input can add no markup: every tag is one the renderer writes, <script> only with
 *     src, no on* attribute and no javascript: anywhere;
 *  3. the identify JSON parses, and holds no raw control either. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "errwhy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tags[] = {
	"a", "article", "body", "button", "code", "div", "footer", "form", "h1", "h2", "h3",
	"head", "header", "html", "input", "li", "link", "main", "meta", "nav", "ol", "p", "pre",
	"script", "section", "span", "strong", "table", "tbody", "td", "th", "thead", "title",
	"tr", "ul",
};

static bool known_tag(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i]) == n && memcmp(tags[i], name, n) == 0)
			return true;
	return false;
}

/* Property 2 for the tag that starts at s[0] == '<' (n bytes left); returns its length.
 * Quoted attribute values are data: only what stands outside quotes is markup. */
static size_t check_tag(const char *what, const char *page, size_t size, const char *s, size_t n)
{
	const char *name = s + 1, *p;
	size_t len;
	bool quoted = false;

	if (n > 1 && (s[1] == '/' || s[1] == '!'))
		name++;
	for (len = 0; name + len < s + n && isalnum((unsigned char)name[len]); len++)
		;
	if (s[1] == '!' ? (size_t)(s + n - name) < 12 || strncmp(name, "doctype html", 12) != 0
			: !known_tag(name, len))
		fuzz_violation(what, page, size, s - page, "a tag the renderer never writes", NULL);
	if (len == 6 && memcmp(name, "script", 6) == 0 && s[1] != '/' &&
	    ((size_t)(s + n - name) < 11 || strncmp(name + 6, " src=", 5) != 0))
		fuzz_violation(what, page, size, s - page, "a script without src", NULL);
	for (p = name + len; p < s + n && (quoted || *p != '>'); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '<')
			fuzz_violation(what, page, size, p - page, "a '<' inside a tag", NULL);
		else if (!quoted && (*p == ' ' || *p == '\n') && p + 3 < s + n && p[1] == 'o' &&
			 p[2] == 'n' && isalpha((unsigned char)p[3]))
			fuzz_violation(what, page, size, p - page, "an on* attribute", NULL);
	}
	if (p == s + n)
		fuzz_violation(what, page, size, s - page, "a tag that never ends", NULL);
	return (size_t)(p - s) + 1;
}

static void check_html(const char *what, const struct ew_buf *b)
{
	if (b->failed || !b->data)
		fuzz_fail("%s: nothing rendered", what);
	fuzz_check_text(what, b->data, b->len);
	if (memmem(b->data, b->len, "javascript:", 11))
		fuzz_fail("%s: javascript: in the page", what);
	for (size_t i = 0; i < b->len;) {
		const char *lt = memchr(b->data + i, '<', b->len - i);
		if (!lt)
			break;
		i = (size_t)(lt - b->data);
		i += check_tag(what, b->data, b->len, lt, b->len - i);
	}
}

static void answer_pages(const char *text, size_t n)
{
	struct ew_answer a;
	struct ew_buf b;
	int r = ew_answer_query(&a, text, n);

	if (r == 0) {
		ew_buf_init(&b);
		if (ew_render_html_search(&b, &a) != 0)
			fuzz_fail("ew_render_html_search failed");
		check_html("search page", &b);
		ew_buf_free(&b);
		ew_buf_init(&b);
		if (ew_render_json_answer(&b, &a, n & 1) != 0)
			fuzz_fail("ew_render_json_answer failed");
		json_decref(fuzz_check_json("identify JSON", b.data, b.len));
		ew_buf_free(&b);
	} else if (r != -E2BIG || n <= EW_ANSWER_MAX_QUERY) {
		fuzz_fail("ew_answer_query: %d for %zu bytes", r, n);
	}
	ew_answer_free(&a);
}

static void not_found_pages(const char *text, size_t n)
{
	struct ew_buf b;

	for (int mode = EW_HTML_SERVER; mode <= EW_HTML_SITE; mode++) {
		ew_buf_init(&b);
		if (ew_render_html_not_found(&b, text, n, (enum ew_html_mode)mode) != 0)
			fuzz_fail("ew_render_html_not_found failed (mode %d)", mode);
		check_html(mode == EW_HTML_SERVER ? "not found (server)" : "not found (site)", &b);
		ew_buf_free(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	answer_pages((const char *)data, size);
	not_found_pages((const char *)data, size);
	return 0;
}
