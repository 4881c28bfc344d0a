/* test_render.c: the growable buffer, word wrapping, and the text and JSON pages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include "errwhy.h"
#include "render/render.h"

static void test_buf_grows_and_formats(void **state)
{
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	for (int i = 0; i < 10000; i++)
		ew_buf_printf(&b, "%d,", i % 10);
	assert_false(b.failed);
	assert_int_equal(b.len, 20000);
	assert_int_equal(strlen(b.data), 20000);
	ew_buf_free(&b);
	assert_null(b.data);
}

/* Every line of s fits in width columns. */
static void assert_fits(const char *s, unsigned width)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		assert_true(n <= width);
		s += n + (nl != NULL);
	}
}

static void test_wrap(void **state)
{
	struct ew_buf b;
	struct ew_text_style st = {.width = 20, .color = false};
	(void)state;

	ew_buf_init(&b);
	ew_wrap(&b, "one two three four five six seven eight nine ten\n\nsecond `x y`", 2, 4, &st);
	assert_string_equal(b.data, "  one two three four\n    five six seven\n    eight nine ten\n\n"
				    "    second `x y`\n");
	assert_fits(b.data, 20);
	ew_buf_free(&b);

	/* Colour adds escapes but no width; bold markers vanish without colour. */
	ew_buf_init(&b);
	ew_wrap(&b, "**bold** `code`", 0, 0, &(struct ew_text_style){.width = 11, .color = true});
	assert_non_null(strstr(b.data, "\033[1mbold"));
	assert_null(strchr(b.data, '*'));
	assert_null(strstr(b.data, "\n\033"));
	ew_buf_free(&b);
}

static const struct ew_match *lookup(const char *q, struct ew_match *m)
{
	assert_int_equal(ew_lookup(q, m, 1, NULL), 1);
	return m;
}

static void test_text_page_has_every_section_in_order(void **state)
{
	const char *sections[] = {"EADDRINUSE  98", "What this means", "Why it happens",
				  "How to reproduce", "Fix 1: ", "When it applies:",
				  "Why this works:", "Fix 2: ", "What not to do",
				  "Numbers on other systems", "Sources", "bind(2)"};
	struct ew_match m;
	struct ew_buf b;
	const char *at;
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_render_text(&b, lookup("EADDRINUSE", &m),
					&(struct ew_text_style){.width = 72}, NULL), 0);
	at = b.data;
	for (size_t i = 0; i < sizeof(sections) / sizeof(*sections); i++) {
		const char *next = strstr(at, sections[i]);
		if (!next)
			fail_msg("section '%s' missing or out of order", sections[i]);
		at = next;
	}
	assert_null(strchr(b.data, '\033'));
	ew_buf_free(&b);
}

static void test_json_schema(void **state)
{
	struct ew_match m;
	struct ew_buf b;
	json_error_t err;
	json_t *root, *e;
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_render_json(&b, lookup("EAGAIN", &m), 1, false, NULL), 0);
	root = json_loads(b.data, 0, &err);
	assert_non_null(root);
	assert_int_equal(json_array_size(root), 1);
	e = json_array_get(root, 0);
	assert_string_equal(json_string_value(json_object_get(e, "family")), "errno");
	assert_string_equal(json_string_value(json_object_get(e, "name")), "EAGAIN");
	assert_int_equal(json_integer_value(json_object_get(e, "number")), 11);
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "aliases"), 0)),
			    "EWOULDBLOCK");
	assert_true(json_is_boolean(json_object_get(e, "complete")));
	assert_true(json_is_array(json_object_get(e, "causes")));
	assert_true(json_is_object(json_object_get(e, "reproduce")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "numbers"), "darwin")),
			 35);
	assert_true(json_is_null(json_object_get(json_object_get(e, "numbers"), "windows_wsa")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
				 json_object_get(e, "alias_numbers"), "EWOULDBLOCK"), "windows_wsa")),
			 10035);
	json_decref(root);
	ew_buf_free(&b);
}

/* NULL strings and buffers append nothing; they do not crash. */
static void test_buf_takes_null(void **state)
{
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	ew_buf_puts(&b, NULL);
	ew_buf_append(&b, NULL, 5);
	assert_int_equal(b.len, 0);
	assert_false(b.failed);
	ew_buf_puts(&b, "x");
	ew_buf_puts(&b, NULL);
	assert_string_equal(b.data, "x");
	ew_buf_puts(NULL, "x");
	ew_buf_putc(NULL, 'x');
	ew_buf_append(NULL, "x", 1);
	ew_buf_printf(NULL, "%d", 1);
	ew_buf_init(NULL);
	ew_buf_free(NULL);
	ew_buf_free(&b);
}

/* A renderer given nothing to render says so, and writes nothing. */
static void test_render_rejects_null_and_bad_kinds(void **state)
{
	struct ew_match m, empty = {0}, bad;
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_render_text(&b, NULL, &(struct ew_text_style){.width = 72}, NULL), -EINVAL);
	assert_int_equal(ew_render_text(&b, &empty, &(struct ew_text_style){.width = 72}, NULL), -EINVAL);
	assert_int_equal(ew_render_text(NULL, lookup("EAGAIN", &m), NULL, NULL), -EINVAL);
	assert_int_equal(ew_render_brief(&b, NULL, NULL), -EINVAL);
	assert_int_equal(ew_render_json(&b, NULL, 1, false, NULL), -EINVAL);
	assert_int_equal(ew_render_json(&b, &empty, 1, false, NULL), -EINVAL);
	assert_int_equal(b.len, 0);
	/* A kind beyond the enum must not index past the JSON table of kinds. */
	bad = *lookup("EAGAIN", &m);
	bad.kind = (enum ew_match_kind)1000;
	assert_int_equal(ew_render_json(&b, &bad, 1, false, NULL), -EINVAL);
	assert_int_equal(ew_render_text(&b, &bad, NULL, NULL), -EINVAL);
	assert_int_equal(b.len, 0);
	/* A NULL style is the plain 80-column page. */
	assert_int_equal(ew_render_text(&b, lookup("EAGAIN", &m), NULL, NULL), 0);
	assert_non_null(strstr(b.data, "What this means"));
	ew_buf_free(&b);
	assert_int_equal(ew_render_json(&b, NULL, 0, false, NULL), 0);
	assert_string_equal(b.data, "[]\n");
	ew_buf_free(&b);
}

/* The page's second line: the title, and the message only when it says something else. */
static void test_title_repeats_no_message(void **state)
{
	struct ew_match m;
	struct ew_buf b;
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_render_text(&b, lookup("EADDRINUSE", &m), NULL, NULL), 0);
	assert_null(strstr(b.data, "(\"Address already in use\")"));
	assert_non_null(strstr(b.data, "\nAddress Already in Use\n"));
	ew_buf_free(&b);
	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		struct ew_match em = {.entry = e, .kind = EW_MATCH_NAME, .as_name = e->name,
				      .system = -1};
		char quoted[256];
		snprintf(quoted, sizeof(quoted), "(\"%s\")", e->message);
		ew_buf_init(&b);
		assert_int_equal(ew_render_text(&b, &em, NULL, NULL), 0);
		if (strcasecmp(e->title, e->message) == 0)
			assert_null(strstr(b.data, quoted));
		else
			assert_non_null(strstr(b.data, quoted));
		ew_buf_free(&b);
	}
}

/* The "-" legend stands under a numbers table only when the table shows a "-". */
static void test_legend_only_with_a_dash(void **state)
{
	size_t with = 0, without = 0;
	(void)state;

	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		struct ew_match em = {.entry = e, .kind = EW_MATCH_NAME, .as_name = e->name,
				      .system = -1};
		bool dash = false;
		struct ew_buf b;
		for (size_t k = 0; k < e->n_numbers; k++)
			for (size_t s = 0; s < ew_family_n_systems(e->family); s++)
				dash |= e->numbers[k].on[ew_family_system_at(e->family, s)] ==
					EW_NO_NUMBER;
		ew_buf_init(&b);
		assert_int_equal(ew_render_text(&b, &em, NULL, NULL), 0);
		if (dash)
			assert_non_null(strstr(b.data, "(- : the system has no such name)"));
		else
			assert_null(strstr(b.data, "(- : the system has no such name)"));
		with += dash;
		without += !dash;
		ew_buf_free(&b);
	}
	/* Both kinds exist, so both branches were tried. */
	assert_true(with > 0 && without > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_formats),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_text_page_has_every_section_in_order),
		cmocka_unit_test(test_json_schema),
		cmocka_unit_test(test_buf_takes_null),
		cmocka_unit_test(test_render_rejects_null_and_bad_kinds),
		cmocka_unit_test(test_title_repeats_no_message),
		cmocka_unit_test(test_legend_only_with_a_dash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
