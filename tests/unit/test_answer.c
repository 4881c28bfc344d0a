/* test_answer.c: a search box query read as the command line reads it (lib/answer.c), and
 * its JSON for /api/v1/identify, against the real catalog and recogniser. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "errwhy.h"

static struct ew_answer ask(const char *q, enum ew_answer_kind kind)
{
	struct ew_answer a;

	assert_int_equal(ew_answer_query(&a, q, strlen(q)), 0);
	assert_string_equal(ew_answer_kind_key(a.kind), ew_answer_kind_key(kind));
	assert_non_null(a.query);
	assert_int_equal(a.query_len, strlen(q));
	return a;
}

static bool has(const struct ew_answer *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->matches[i].entry && strcmp(a->matches[i].entry->name, name) == 0)
			return true;
	return false;
}

static void test_names_numbers_texts_are_lookups(void **state)
{
	const char *forms[] = {"EADDRINUSE", "eaddrinuse", "98", "-98", "0x62",
			       "Address already in use", "address already in use"};
	(void)state;

	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		struct ew_answer a = ask(forms[i], EW_ANSWER_LOOKUP);
		assert_int_equal(a.n, 1);
		assert_string_equal(a.matches[0].entry->name, "EADDRINUSE");
		ew_answer_free(&a);
	}
}

static void test_a_pasted_message_is_recognised(void **state)
{
	struct ew_answer a = ask("Error: listen EADDRINUSE: address already in use :::3000",
				 EW_ANSWER_MESSAGE);
	(void)state;

	assert_int_equal(a.n, 1);
	assert_string_equal(a.matches[0].entry->name, "EADDRINUSE");
	assert_int_equal(a.matches[0].kind, EW_MATCH_MESSAGE);
	assert_non_null(a.matches[0].hit);
	assert_int_equal(a.matches[0].hit->context.port, 3000);
	assert_non_null(a.matches[0].hit_text);
	ew_answer_free(&a);
	assert_null(a.query);
	assert_int_equal(a.n, 0);
}

static void test_words_search_the_catalog(void **state)
{
	struct ew_answer a = ask("TIME_WAIT restart", EW_ANSWER_SEARCH);
	(void)state;

	assert_true(a.n >= 1);
	assert_true(has(&a, "EADDRINUSE"));
	ew_answer_free(&a);
}

static void test_nothing_suggests_close_names(void **state)
{
	struct ew_answer a = ask("EADRINUSE", EW_ANSWER_NONE);
	(void)state;

	assert_int_equal(a.n, 0);
	assert_true(a.n_suggest >= 1);
	assert_string_equal(a.suggest[0]->name, "EADDRINUSE");
	ew_answer_free(&a);
}

/* Hostile bytes are kept raw in the answer and come out of the JSON escaped and valid. */
static void test_hostile_query_json(void **state)
{
	static const char q[] = "<script>\x1b[31m\xff\xfe\0tail";
	struct ew_answer a;
	struct ew_buf b;
	json_t *v;
	(void)state;

	assert_int_equal(ew_answer_query(&a, q, sizeof(q) - 1), 0);
	assert_int_equal(a.query_len, sizeof(q) - 1);
	assert_memory_equal(a.query, q, sizeof(q) - 1);
	ew_buf_init(&b);
	assert_int_equal(ew_render_json_answer(&b, &a, false), 0);
	v = json_loads(b.data, 0, NULL);
	assert_non_null(v);
	assert_non_null(strstr(json_string_value(json_object_get(v, "query")), "\\x1b"));
	assert_null(strchr(b.data, '\x1b'));
	json_decref(v);
	ew_buf_free(&b);
	ew_answer_free(&a);
}

static void test_limits_and_bad_arguments(void **state)
{
	struct ew_answer a;
	char *big = malloc(EW_ANSWER_MAX_QUERY + 1);
	(void)state;

	assert_non_null(big);
	memset(big, 'a', EW_ANSWER_MAX_QUERY + 1);
	assert_int_equal(ew_answer_query(&a, big, EW_ANSWER_MAX_QUERY + 1), -E2BIG);
	ew_answer_free(&a);
	assert_int_equal(ew_answer_query(&a, NULL, 3), -EINVAL);
	ew_answer_free(&a);
	assert_int_equal(ew_answer_query(NULL, "x", 1), -EINVAL);
	ew_answer_free(NULL);
	free(big);
}

static void test_api_entry_and_list(void **state)
{
	struct ew_buf b;
	json_t *v;
	struct ew_match m[1];
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_render_json_list(&b, false), 0);
	v = json_loads(b.data, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "count")), (json_int_t)ew_entry_count());
	assert_int_equal(json_array_size(json_object_get(v, "errors")), ew_entry_count());
	json_decref(v);
	ew_buf_free(&b);

	/* One entry is exactly the element of the lookup's array. */
	assert_int_equal(ew_lookup("EADDRINUSE", m, 1, NULL), 1);
	ew_buf_init(&b);
	assert_int_equal(ew_render_json_entry(&b, m[0].entry, false), 0);
	json_t *one = json_loads(b.data, 0, NULL);
	ew_buf_free(&b);
	ew_buf_init(&b);
	assert_int_equal(ew_render_json(&b, m, 1, false, NULL), 0);
	json_t *arr = json_loads(b.data, 0, NULL);
	assert_true(json_equal(one, json_array_get(arr, 0)));
	json_decref(one);
	json_decref(arr);
	ew_buf_free(&b);
	assert_int_equal(ew_render_json_entry(NULL, m[0].entry, false), -EINVAL);
	assert_int_equal(ew_render_json_list(NULL, false), -EINVAL);
}

/* An API error names the path asked, escaped (controls, invalid UTF-8), as valid JSON. */
static void test_api_error(void **state)
{
	static const char path[] = "/api/v1/\x1b[31m\xff";
	struct ew_buf b;
	json_t *v;
	(void)state;

	ew_buf_init(&b);
	assert_int_equal(ew_render_json_error(&b, "not found", path, sizeof(path) - 1, -1), 0);
	v = json_loads(b.data, 0, NULL);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "error")), "not found");
	assert_string_equal(json_string_value(json_object_get(v, "path")), "/api/v1/\\x1b[31m\\xff");
	assert_null(json_object_get(v, "max_bytes"));
	json_decref(v);
	ew_buf_free(&b);
	ew_buf_init(&b);
	assert_int_equal(ew_render_json_error(&b, "query too long", NULL, 0, 8192), 0);
	v = json_loads(b.data, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(v, "max_bytes")), 8192);
	assert_null(json_object_get(v, "path"));
	json_decref(v);
	ew_buf_free(&b);
	assert_int_equal(ew_render_json_error(&b, NULL, NULL, 0, -1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_numbers_texts_are_lookups),
		cmocka_unit_test(test_a_pasted_message_is_recognised),
		cmocka_unit_test(test_words_search_the_catalog),
		cmocka_unit_test(test_nothing_suggests_close_names),
		cmocka_unit_test(test_hostile_query_json),
		cmocka_unit_test(test_limits_and_bad_arguments),
		cmocka_unit_test(test_api_entry_and_list),
		cmocka_unit_test(test_api_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
