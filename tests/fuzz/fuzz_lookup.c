/* fuzz_lookup.c: libFuzzer harness for the lookup entry points (ew_lookup, ew_suggest,
 * ew_search, ew_os_parse, ew_lookup_foreign) and the page renderers of what they find. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "errwhy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { SMALL = 1, LARGE = 64, MAX_WORDS = 16 };

/* One helper per API call. Each returns how many of out were filled, and checks the one
 * contract: never more than max, and never more than the total it reports. */
static size_t checked(const char *call, size_t n, size_t max, size_t total)
{
	if (n > max || n > total || (n < max && n != total))
		fuzz_fail("%s filled %zu of max %zu with a total of %zu", call, n, max, total);
	return n;
}

static size_t lookup(const char *q, struct ew_match *out, size_t max)
{
	size_t total, n = ew_lookup(q, out, max, &total);
	return checked("ew_lookup", n, max, total);
}

static size_t lookup_foreign(unsigned mask, long number, struct ew_match *out, size_t max)
{
	size_t total, n = ew_lookup_foreign(mask, number, out, max, &total);
	return checked("ew_lookup_foreign", n, max, total);
}

static size_t suggest(const char *q, const struct ew_entry **out, size_t max)
{
	size_t total, n = ew_suggest(q, out, max, &total);
	return checked("ew_suggest", n, max, total);
}

static size_t search(const char *const *words, size_t n_words, const struct ew_entry **out,
		     size_t max)
{
	size_t total, n = ew_search(words, n_words, out, max, &total);
	return checked("ew_search", n, max, total);
}

/* The brief line and the JSON of one entry, as for --brief and --json. */
static void render_entry(const struct ew_entry *e, const char *as_name)
{
	struct ew_buf b;

	ew_buf_init(&b);
	ew_render_brief(&b, e, as_name);
	if (b.failed)
		fuzz_fail("ew_render_brief(%s): out of memory", e->name);
	fuzz_check_text("ew_render_brief", b.data ? b.data : "", b.len);
	ew_buf_free(&b);
}

/* The first matches as pages (widths: below, inside and past the 40..100 the renderer keeps
 * to; colour; labels), and all of them as one JSON array. Pages are what costs: four are
 * enough to see each kind of match, and keep the runs fast. */
static void render_matches(const struct ew_match *m, size_t n)
{
	static const unsigned widths[] = {0, 72, 1000};
	struct ew_buf b;

	for (size_t i = 0; i < n && i < 4; i++) {
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			for (int flags = 0; flags < 4; flags++) {
				struct ew_text_style st = {.width = widths[w],
				                           .color = flags & 1,
				                           .label_match = flags & 2};
				ew_buf_init(&b);
				if (ew_render_text(&b, &m[i], &st, NULL) != 0)
					fuzz_fail("ew_render_text(%s) failed", m[i].entry->name);
				if (!st.color)
					fuzz_check_text("ew_render_text", b.data ? b.data : "",
					                b.len);
				ew_buf_free(&b);
			}
		}
		render_entry(m[i].entry, m[i].as_name);
	}
	for (int pretty = 0; pretty < 2; pretty++) {
		json_t *v;
		ew_buf_init(&b);
		if (ew_render_json(&b, m, n, pretty, NULL) != 0)
			fuzz_fail("ew_render_json(%zu matches) failed", n);
		v = fuzz_check_json("ew_render_json", b.data ? b.data : "", b.len);
		if (!json_is_array(v) || json_array_size(v) != n)
			fuzz_fail("ew_render_json: not an array of the %zu matches", n);
		json_decref(v);
		ew_buf_free(&b);
	}
}

/* The query as --search takes it: words split on spaces. */
static void search_words(char *q)
{
	static const struct ew_entry *found[LARGE];
	const char *words[MAX_WORDS];
	size_t n_words = 0, n;
	char *save = NULL;

	for (char *w = strtok_r(q, " ", &save); w && n_words < MAX_WORDS;
	     w = strtok_r(NULL, " ", &save))
		words[n_words++] = w;
	search(words, n_words, found, SMALL);
	n = search(words, n_words, found, LARGE);
	for (size_t i = 0; i < n && i < 4; i++)
		render_entry(found[i], found[i]->name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ew_match matches[LARGE];
	static const struct ew_entry *near[8];
	char *q = malloc(size + 1);
	unsigned mask;
	long number = 0;
	size_t n;

	if (!q)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';

	lookup(q, matches, SMALL);
	n = lookup(q, matches, LARGE);
	render_matches(matches, n);

	n = suggest(q, near, sizeof(near) / sizeof(near[0]));
	for (size_t i = 0; i < n; i++)
		render_entry(near[i], near[i]->name);

	/* A system set from the query when it names one, else from the first byte; a number
	 * from the next bytes, both small (likely to match) and as a whole long. */
	mask = ew_os_parse(q);
	if (!mask && size > 0)
		mask = data[0] & ((1u << EW_SYS_COUNT) - 1);
	if (size > 1) {
		n = lookup_foreign(mask, data[1], matches, LARGE);
		render_matches(matches, n);
		lookup_foreign(mask, -(long)data[1], matches, SMALL);
	}
	if (size > 1 + sizeof(number)) {
		memcpy(&number, data + 1, sizeof(number));
		n = lookup_foreign(mask, number, matches, LARGE);
		render_matches(matches, n);
	}

	search_words(q); /* last: it cuts q into words */
	free(q);
	return 0;
}
