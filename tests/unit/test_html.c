/* test_html.c: the HTML pages (lib/render/html_*.c): outside data always shows as text,
 * every entry page has the sections its entry has, in order, and links fit the mode. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "errwhy.h"
#include "render/html.h"

/* Nothing a page holds may start a tag or an attribute that the page did not write. */
static void assert_no_markup_from(const char *page)
{
	assert_null(strstr(page, "<script>"));
	assert_null(strstr(page, "<img"));
	assert_null(strstr(page, "style="));
	assert_null(strstr(page, "<style"));
}

static void assert_one_h1(const char *page)
{
	const char *h = strstr(page, "<h1>");
	assert_non_null(h);
	assert_null(strstr(h + 1, "<h1"));
}

static void test_escape(void **state)
{
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	ew_html_escape_str(&b, "a<b>&\"'z");
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;&#39;z");
	b.len = 0;
	/* Outside data: a NUL, a control and a byte that is not UTF-8 become visible escapes. */
	ew_html_outside(&b, "x\0<\033\xff", 5, SIZE_MAX);
	assert_string_equal(b.data, "x\\x00&lt;\\x1b\\xff");
	b.len = 0;
	ew_html_inline_str(&b, "use `a<b` and **bold** with bind(2)");
	assert_string_equal(b.data, "use <code>a&lt;b</code> and <strong>bold</strong> with "
				    "<a class=\"man\" href=\"https://man7.org/linux/man-pages/man2/"
				    "bind.2.html\">bind(2)</a>");
	ew_buf_free(&b);
}

/* Man page references link to man7.org; what only looks like one stays text. */
static void test_man_links(void **state)
{
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	ew_html_inline_str(&b, "`pthread_mutex_lock(3p)` f(2)x `_exit(1)` `R->blocking(0)` (2) "
			       "strace(1).");
	assert_string_equal(b.data,
		"<a class=\"man\" href=\"https://man7.org/linux/man-pages/man3/"
		"pthread_mutex_lock.3p.html\"><code>pthread_mutex_lock(3p)</code></a> f(2)x "
		"<code>_exit(1)</code> <code>R-&gt;blocking(0)</code> (2) <a class=\"man\" "
		"href=\"https://man7.org/linux/man-pages/man1/strace.1.html\">strace(1)</a>.");
	b.len = 0;
	/* A quoted phrase is the page's words: never linked, even when it names a page. */
	ew_html_source(&b, "socket(7) \"prior to calling bind(2)\", linux v6.1 fs/namei.c "
			   "(may_delete)");
	assert_string_equal(b.data,
		"<p class=\"source\"><span class=\"label\">Source:</span> <a class=\"man\" "
		"href=\"https://man7.org/linux/man-pages/man7/socket.7.html\">socket(7)</a> "
		"<span class=\"quote\">&quot;prior to calling bind(2)&quot;</span>, linux v6.1 "
		"fs/namei.c (may_delete)</p>\n");
	b.len = 0;
	ew_html_reference(&b, "<asm-generic/errno.h>");
	assert_string_equal(b.data, "<code>&lt;asm-generic/errno.h&gt;</code>");
	b.len = 0;
	ew_html_reference(&b, "errno(3)");
	assert_string_equal(b.data, "<a class=\"man\" href=\"https://man7.org/linux/man-pages/"
				    "man3/errno.3.html\">errno(3)</a>");
	b.len = 0;
	ew_html_prose(&b, "one **b `c`**\n\ntwo", "When it applies:", NULL);
	assert_string_equal(b.data, "<p><strong class=\"label\">When it applies:</strong> one "
				    "<strong>b <code>c</code></strong></p>\n<p>two</p>\n");
	b.len = 0;
	ew_html_code(&b, "a < b\n", "python", "Python", NULL);
	assert_string_equal(b.data, "<div class=\"code\"><div class=\"code-label\">Python</div>"
				    "<pre tabindex=\"0\"><code class=\"language-python\">a &lt; b"
				    "</code></pre></div>\n");
	ew_buf_free(&b);
}

static const char hostile[] = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'\xff\xfe";

static void test_search_escapes_the_query(void **state)
{
	struct ew_answer a = {.kind = EW_ANSWER_NONE};
	struct ew_buf b;
	char q[sizeof(hostile) + 4];
	(void)state;

	/* A NUL inside, too: everything after it is still shown, escaped. */
	memcpy(q, "ab\0", 3);
	memcpy(q + 3, hostile, sizeof(hostile));
	a.query = q;
	a.query_len = 3 + sizeof(hostile) - 1;
	ew_buf_init(&b);
	assert_int_equal(ew_render_html_search(&b, &a), 0);
	assert_no_markup_from(b.data);
	assert_non_null(strstr(b.data, "<title>Search: ab\\x00&lt;script&gt;"));
	assert_non_null(strstr(b.data, "value=\"ab\\x00&lt;script&gt;alert(1)&lt;/script&gt;"
				       "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;\\xff\\xfe\""));
	assert_non_null(strstr(b.data, "No error matches"));
	assert_true(ew_utf8_valid(b.data, b.len));
	assert_one_h1(b.data);
	ew_buf_free(&b);
}

static void test_search_answers(void **state)
{
	struct ew_answer a;
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_answer_query(&a, "98", 2), 0);
	assert_int_equal(ew_render_html_search(&b, &a), 0);
	assert_non_null(strstr(b.data, "href=\"/errno/EADDRINUSE\""));
	assert_non_null(strstr(b.data, "a number on Linux"));
	assert_non_null(strstr(b.data, "conf-high"));
	ew_answer_free(&a);
	ew_buf_free(&b);

	/* A pasted message: read as one when the recogniser loads (it may not, here). */
	ew_buf_init(&b);
	static const char msg[] = "Error: listen EADDRINUSE: address already in use :::3000";
	if (ew_answer_query(&a, msg, sizeof(msg) - 1) == 0 && a.kind == EW_ANSWER_MESSAGE) {
		assert_int_equal(ew_render_html_search(&b, &a), 0);
		assert_non_null(strstr(b.data, "Recognised EADDRINUSE"));
		assert_non_null(strstr(b.data, "port 3000"));
		assert_non_null(strstr(b.data, "href=\"/errno/EADDRINUSE\""));
	}
	ew_answer_free(&a);
	ew_buf_free(&b);

	ew_buf_init(&b);
	assert_int_equal(ew_answer_query(&a, "EADRINUSE", 9), 0);
	assert_int_equal(ew_render_html_search(&b, &a), 0);
	if (a.kind == EW_ANSWER_NONE)
		assert_non_null(strstr(b.data, "Did you mean <a href=\"/errno/EADDRINUSE\""));
	ew_answer_free(&a);
	ew_buf_free(&b);
}

static void test_not_found(void **state)
{
	static const char path[] = "/errno/<script>x\0\"\xc0\xaf";
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_render_html_not_found(&b, path, sizeof(path) - 1, EW_HTML_SERVER), 0);
	assert_no_markup_from(b.data);
	assert_non_null(strstr(b.data, "/errno/&lt;script&gt;x\\x00&quot;\\xc0\\xaf"));
	assert_true(ew_utf8_valid(b.data, b.len));
	assert_one_h1(b.data);
	assert_non_null(strstr(b.data, "<h1>Not found</h1>"));
	b.len = 0;
	assert_int_equal(ew_render_html_not_found(&b, "/errno/EADRINUSE", 16, EW_HTML_SERVER), 0);
	assert_non_null(strstr(b.data, "Did you mean <a href=\"/errno/EADDRINUSE\""));
	assert_non_null(strstr(b.data, "class=\"back\" href=\"/\""));
	b.len = 0;
	assert_int_equal(ew_render_html_not_found(&b, "/favicon.ico", 12, EW_HTML_SERVER), 0);
	assert_null(strstr(b.data, "Did you mean"));
	b.len = 0;
	assert_int_equal(ew_render_html_not_found(&b, "errno/EADRINUSE.html", 20, EW_HTML_SITE), 0);
	assert_non_null(strstr(b.data, "href=\"errno/EADDRINUSE.html\""));
	assert_non_null(strstr(b.data, "href=\"index.html\""));
	ew_buf_free(&b);
}

/* The id of each section, in page order, that an entry has. */
static void assert_sections(const struct ew_entry *e, const char *page)
{
	const char *ids[64], *at = page;
	char fix_ids[32][16];
	size_t n = 0;

	ids[n++] = "what-this-means";
	if (e->n_senders)
		ids[n++] = "who-sends-it";
	if (e->n_causes)
		ids[n++] = "why-it-happens";
	if (e->seen)
		ids[n++] = "if-you-see-it";
	if (e->repro_command)
		ids[n++] = "how-to-reproduce";
	for (size_t i = 0; i < e->n_fixes && i < 32; i++) {
		snprintf(fix_ids[i], sizeof(fix_ids[i]), "fix-%zu", i + 1);
		ids[n++] = fix_ids[i];
	}
	if (e->n_avoid)
		ids[n++] = "what-not-to-do";
	/* Exit statuses and kernel codes have no other systems to compare. */
	if (e->n_numbers && ew_family_n_systems(e->family))
		ids[n++] = "numbers-on-other-systems";
	else if (strstr(page, "numbers-on-other-systems"))
		fail_msg("%s: a numbers table without numbers", e->name);
	ids[n++] = "sources";
	for (size_t i = 0; i < n; i++) {
		char want[80];
		snprintf(want, sizeof(want), "<section id=\"%s\"", ids[i]);
		const char *found = strstr(at, want);
		if (!found)
			fail_msg("%s: no section %s (or out of order)", e->name, ids[i]);
		at = found + 1;
	}
}

static void test_every_entry_page(void **state)
{
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		char h1[64];
		b.len = 0;
		assert_int_equal(ew_render_html_entry(&b, e, i % 2 ? EW_HTML_SITE : EW_HTML_SERVER), 0);
		assert_true(ew_utf8_valid(b.data, b.len));
		assert_no_markup_from(b.data);
		assert_one_h1(b.data);
		snprintf(h1, sizeof(h1), "<h1>%s</h1>", e->name);
		assert_non_null(strstr(b.data, h1));
		assert_sections(e, b.data);
		assert_non_null(strstr(b.data, "All Linux / POSIX errors</a>"));
		for (size_t k = 1; k < e->n_numbers; k++)
			assert_non_null(strstr(b.data, e->numbers[k].name));
	}
	ew_buf_free(&b);
}

static void test_header_line(void **state)
{
	struct ew_buf b;
	struct ew_match m;
	(void)state;

	assert_int_equal(ew_lookup("EADDRINUSE", &m, 1, NULL), 1);
	ew_buf_init(&b);
	assert_int_equal(ew_render_html_entry(&b, m.entry, EW_HTML_SERVER), 0);
	assert_non_null(strstr(b.data, "Linux / POSIX</span> · <span class=\"common\">Common"
				       "</span> · <span class=\"category\">Network</span> · "
				       "<span class=\"conf conf-high\">HIGH confidence</span>"));
	assert_non_null(strstr(b.data, "(errwhy repro EADDRINUSE)"));
	assert_non_null(strstr(b.data, "https://man7.org/linux/man-pages/man2/bind.2.html"));
	assert_non_null(strstr(b.data, "<th scope=\"col\">EADDRINUSE</th>"));
	assert_non_null(strstr(b.data, "<div class=\"code\"><pre tabindex=\"0\"><code "
				       "class=\"language-c\">"));
	assert_non_null(strstr(b.data, "<div class=\"code-label\">Python</div>"));
	ew_buf_free(&b);
}

/* Each family's page shows what its text page shows: a signal's default action and senders,
 * an exit status's symbol (the signal of 128+N linked), and no numbers table where the family
 * has no other systems. */
static void test_family_pages(void **state)
{
	struct ew_buf b;
	struct ew_match m;
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_lookup_in("SIGKILL", EW_FAMILY_SIGNAL, &m, 1, NULL), 1);
	assert_int_equal(ew_render_html_entry(&b, m.entry, EW_HTML_SERVER), 0);
	assert_non_null(strstr(b.data, "<span class=\"number\">signal 9</span>"));
	assert_non_null(strstr(b.data, "<span class=\"label\">Default action:</span> terminate "
				       "the process. No program can catch, block or ignore it."));
	assert_non_null(strstr(b.data, "<section id=\"who-sends-it\">"));
	assert_non_null(strstr(b.data, "<a href=\"#who-sends-it\">Who sends it</a>"));
	assert_non_null(strstr(b.data, "<section id=\"numbers-on-other-systems\">"));
	b.len = 0;
	assert_int_equal(ew_lookup_in("137", EW_FAMILY_EXIT, &m, 1, NULL), 1);
	assert_int_equal(ew_render_html_entry(&b, m.entry, EW_HTML_SITE), 0);
	assert_non_null(strstr(b.data, "<span class=\"number\">exit status 137</span> · <span "
				       "class=\"symbol\"><a href=\"../signal/SIGKILL.html\"><code>"
				       "SIGKILL</code></a></span>"));
	assert_null(strstr(b.data, "numbers-on-other-systems"));
	assert_null(strstr(b.data, "<table"));
	b.len = 0;
	assert_int_equal(ew_lookup_in("EXIT_EXEC", EW_FAMILY_EXIT, &m, 1, NULL), 1);
	assert_int_equal(ew_render_html_entry(&b, m.entry, EW_HTML_SERVER), 0);
	assert_non_null(strstr(b.data, "<code>EXIT_EXEC</code>"));
	assert_null(strstr(b.data, "numbers-on-other-systems"));
	b.len = 0;
	assert_int_equal(ew_lookup_in("SIGIO", EW_FAMILY_SIGNAL, &m, 1, NULL), 1);
	assert_int_equal(ew_render_html_alias(&b, m.entry, "SIGIO", EW_HTML_SITE), 0);
	assert_non_null(strstr(b.data, "href=\"../signal/SIGPOLL.html\""));
	ew_buf_free(&b);
}

static void test_links_fit_the_mode(void **state)
{
	struct ew_buf b;
	struct ew_match m;
	(void)state;

	assert_int_equal(ew_lookup("EAGAIN", &m, 1, NULL), 1);
	ew_buf_init(&b);
	assert_int_equal(ew_render_html_entry(&b, m.entry, EW_HTML_SITE), 0);
	assert_non_null(strstr(b.data, "<link rel=\"stylesheet\" href=\"../assets/errwhy.css\">"));
	assert_non_null(strstr(b.data, "<script src=\"../assets/errwhy.js\" defer></script>"));
	assert_non_null(strstr(b.data, "class=\"back\" href=\"../index.html\""));
	assert_null(strstr(b.data, "href=\"/"));
	b.len = 0;
	assert_int_equal(ew_render_html_entry(&b, m.entry, EW_HTML_SERVER), 0);
	assert_non_null(strstr(b.data, "<link rel=\"stylesheet\" href=\"/assets/errwhy.css\">"));
	assert_non_null(strstr(b.data, "class=\"back\" href=\"/\""));
	b.len = 0;
	assert_int_equal(ew_render_html_index(&b, EW_HTML_SITE), 0);
	assert_non_null(strstr(b.data, "href=\"errno/EADDRINUSE.html\""));
	assert_non_null(strstr(b.data, "<form role=\"search\" class=\"search\" hidden>"));
	assert_null(strstr(b.data, "action="));
	assert_null(strstr(b.data, "href=\"/"));
	assert_one_h1(b.data);
	b.len = 0;
	assert_int_equal(ew_render_html_index(&b, EW_HTML_SERVER), 0);
	assert_non_null(strstr(b.data, "<h1>All Linux / POSIX errors</h1>"));
	assert_non_null(strstr(b.data, "href=\"/errno/EADDRINUSE\""));
	assert_non_null(strstr(b.data, "<form role=\"search\" class=\"search\" action=\"/search\" "
				       "method=\"get\"><input type=\"search\" name=\"q\" id=\"q\""));
	assert_non_null(strstr(b.data, "data-name=\"EADDRINUSE\" data-number=\"98\""));
	for (int f = 0; f < EW_FAMILY_COUNT; f++) {
		char id[64];
		snprintf(id, sizeof(id), "<section class=\"family\" id=\"family-%s\">",
			 ew_family_key((enum ew_family)f));
		assert_non_null(strstr(b.data, id));
	}
	assert_non_null(strstr(b.data, "href=\"/signal/SIGKILL\""));
	assert_non_null(strstr(b.data, "href=\"/exit/137\""));
	assert_non_null(strstr(b.data, "<th scope=\"col\">Status</th><th scope=\"col\">Symbol"
				       "</th><th scope=\"col\">Title</th>"));
	assert_non_null(strstr(b.data, "<th scope=\"col\">Name</th><th scope=\"col\">Number"
				       "</th><th scope=\"col\">Default action</th>"));
	/* errno first */
	assert_true(strstr(b.data, "id=\"family-errno\"") < strstr(b.data, "id=\"family-signal\""));
	assert_true(ew_utf8_valid(b.data, b.len));
	ew_buf_free(&b);
}

static void test_bad_arguments(void **state)
{
	struct ew_buf b;
	struct ew_answer a = {0};
	const struct ew_entry *e = ew_entry_at(0);
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_render_html_index(NULL, EW_HTML_SITE), -EINVAL);
	assert_int_equal(ew_render_html_index(&b, (enum ew_html_mode)7), -EINVAL);
	assert_int_equal(ew_render_html_entry(&b, NULL, EW_HTML_SITE), -EINVAL);
	assert_int_equal(ew_render_html_entry(NULL, e, EW_HTML_SITE), -EINVAL);
	assert_int_equal(ew_render_html_entry(&b, e, (enum ew_html_mode)-1), -EINVAL);
	assert_int_equal(ew_render_html_alias(&b, e, NULL, EW_HTML_SITE), -EINVAL);
	assert_int_equal(ew_render_html_alias(&b, NULL, "EWOULDBLOCK", EW_HTML_SITE), -EINVAL);
	assert_int_equal(ew_render_html_search(&b, NULL), -EINVAL);
	assert_int_equal(ew_render_html_search(NULL, &a), -EINVAL);
	a.kind = (enum ew_answer_kind)99;
	assert_int_equal(ew_render_html_search(&b, &a), -EINVAL);
	assert_int_equal(ew_render_html_not_found(&b, NULL, 0, EW_HTML_SERVER), -EINVAL);
	assert_int_equal(ew_render_html_not_found(&b, "/", 1, (enum ew_html_mode)2), -EINVAL);
	assert_int_equal(b.len, 0); /* nothing appended */
	ew_buf_free(&b);
}

static void test_assets(void **state)
{
	bool css = false, js = false;
	(void)state;

	assert_int_equal(ew_asset_count(), 2);
	assert_null(ew_asset_at(ew_asset_count()));
	for (size_t i = 0; i < ew_asset_count(); i++) {
		const struct ew_asset *a = ew_asset_at(i);
		assert_true(a->len > 100);
		assert_int_equal(a->data[a->len], '\0');
		assert_int_equal(strlen(a->data), a->len);
		if (strcmp(a->path, "assets/errwhy.css") == 0)
			css = strcmp(a->type, "text/css; charset=utf-8") == 0;
		if (strcmp(a->path, "assets/errwhy.js") == 0)
			js = strcmp(a->type, "text/javascript; charset=utf-8") == 0;
	}
	assert_true(css && js);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_man_links),
		cmocka_unit_test(test_search_escapes_the_query),
		cmocka_unit_test(test_search_answers),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_every_entry_page),
		cmocka_unit_test(test_header_line),
		cmocka_unit_test(test_family_pages),
		cmocka_unit_test(test_links_fit_the_mode),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_assets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
