/* test_catalog.c: the entries that ew_entry_at() builds from the pointer-free tables: the same
 * entry for every thread that asks first at once, and the shape the lookup relies on. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errwhy.h"

enum { THREADS = 8 };

struct walker {
	pthread_barrier_t *start;
	size_t first;                    /* where this thread starts its walk */
	const struct ew_entry **got;     /* ew_entry_count() pointers */
	char (*names)[40];               /* each entry's name as this thread read it */
};

/* Every entry once, starting at a different place in each thread, so that threads meet on
 * entries nobody has built yet. */
static void *walk(void *arg)
{
	struct walker *w = arg;
	size_t n = ew_entry_count();

	pthread_barrier_wait(w->start);
	for (size_t k = 0; k < n; k++) {
		size_t i = (w->first + k) % n;
		const struct ew_entry *e = ew_entry_at(i);
		w->got[i] = e;
		snprintf(w->names[i], sizeof(w->names[i]), "%s", e->name);
	}
	return NULL;
}

static void test_first_access_from_threads(void **state)
{
	(void)state;
	size_t n = ew_entry_count();
	pthread_barrier_t start;
	pthread_t tid[THREADS];
	struct walker w[THREADS];

	assert_true(n > 0);
	assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
	for (int t = 0; t < THREADS; t++) {
		w[t] = (struct walker){&start, (size_t)t * n / THREADS, calloc(n, sizeof(*w[t].got)),
				       calloc(n, sizeof(*w[t].names))};
		assert_non_null(w[t].got);
		assert_non_null(w[t].names);
		assert_int_equal(pthread_create(&tid[t], NULL, walk, &w[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(tid[t], NULL), 0);
	for (size_t i = 0; i < n; i++)
		for (int t = 0; t < THREADS; t++) {
			assert_ptr_equal(w[t].got[i], ew_entry_at(i));
			assert_string_equal(w[t].names[i], ew_entry_at(i)->name);
		}
	for (int t = 0; t < THREADS; t++) {
		free(w[t].got);
		free(w[t].names);
	}
	pthread_barrier_destroy(&start);
	assert_null(ew_entry_at(n));
}

/* What the renderers and the lookup count on: lists present exactly when they have items,
 * the first numbers row named as the entry, families in order and, within one, numbers by
 * magnitude (the lookup searches them by halving). */
static void test_entries_keep_their_shape(void **state)
{
	(void)state;
	const struct ew_entry *prev = NULL;

	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		assert_non_null(e->name);
		assert_non_null(e->message);
		assert_true((e->causes != NULL) == (e->n_causes > 0));
		assert_true((e->cause_sources != NULL) == (e->n_causes > 0));
		assert_true((e->senders != NULL) == (e->n_senders > 0));
		assert_true((e->fixes != NULL) == (e->n_fixes > 0));
		assert_true((e->sources != NULL) == (e->n_sources > 0));
		for (size_t k = 0; k < e->n_causes; k++)
			assert_non_null(e->causes[k]);
		for (size_t k = 0; k < e->n_fixes; k++)
			assert_true((e->fixes[k].code != NULL) || e->fixes[k].n_code == 0);
		if (e->n_numbers)
			assert_string_equal(e->numbers[0].name, e->name);
		if (prev) {
			assert_true(prev->family <= e->family);
			if (prev->family == e->family)
				assert_true(abs(prev->number) <= abs(e->number));
		}
		prev = e;
	}
}

/* Each entry is what a lookup of its own name in its family answers first. */
static void test_lookup_finds_every_entry(void **state)
{
	(void)state;
	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		struct ew_match m[4];
		size_t n = ew_lookup_in(e->name, (int)e->family, m, 4, NULL);
		assert_true(n >= 1);
		assert_ptr_equal(m[0].entry, e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_access_from_threads),
		cmocka_unit_test(test_entries_keep_their_shape),
		cmocka_unit_test(test_lookup_finds_every_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
