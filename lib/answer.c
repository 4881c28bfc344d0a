/* answer.c: what a search box query means, read the way the command line reads its
 * arguments: a name, number or strerror text first, then a pasted message, then words. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errwhy.h"

#define HITS_MAX 32      /* distinct errors kept from one pasted message */
#define SPAN_SHOWN 200   /* characters of a recognised span kept, as for the command line */
#define WORDS_MAX 16

const char *ew_answer_kind_key(enum ew_answer_kind k)
{
	static const char *const keys[] = {
		[EW_ANSWER_NONE] = "none", [EW_ANSWER_LOOKUP] = "lookup",
		[EW_ANSWER_MESSAGE] = "message", [EW_ANSWER_SEARCH] = "search",
	};
	return (unsigned)k < sizeof(keys) / sizeof(keys[0]) ? keys[k] : "?";
}

void ew_answer_free(struct ew_answer *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->hit_texts && i < a->n; i++)
		free(a->hit_texts[i]);
	free(a->hit_texts);
	free(a->hits);
	free(a->matches);
	free(a->query);
	*a = (struct ew_answer){0};
}

static int by_lookup(struct ew_answer *a)
{
	size_t total;

	ew_lookup(a->query, NULL, 0, &total);
	if (total == 0)
		return 0;
	a->matches = calloc(total, sizeof(*a->matches));
	if (!a->matches)
		return -ENOMEM;
	a->n = ew_lookup(a->query, a->matches, total, NULL);
	a->kind = EW_ANSWER_LOOKUP;
	return 0;
}

static char *escaped_span(const char *s, size_t n)
{
	struct ew_buf b;

	ew_buf_init(&b);
	ew_buf_append_escaped(&b, s, n, SPAN_SHOWN);
	ew_buf_putc(&b, '\0'); /* an empty span is still a string */
	if (b.failed) {
		ew_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* Nothing recognised: the arrays go, so that the words may fill matches[] and hit_texts[]
 * (HITS_MAX long) is never read by a->n of theirs. */
static void drop_hits(struct ew_answer *a)
{
	free(a->hits);
	free(a->matches);
	free(a->hit_texts);
	a->hits = NULL;
	a->matches = NULL;
	a->hit_texts = NULL;
	a->n = 0;
}

static int by_message(struct ew_answer *a)
{
	int err;
	size_t n;

	a->hits = calloc(HITS_MAX, sizeof(*a->hits));
	a->matches = calloc(HITS_MAX, sizeof(*a->matches));
	a->hit_texts = calloc(HITS_MAX, sizeof(*a->hit_texts));
	if (!a->hits || !a->matches || !a->hit_texts)
		return -ENOMEM;
	n = ew_identify(a->query, a->query_len, a->hits, HITS_MAX, NULL, &err);
	if (err < 0) {
		drop_hits(a);
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ew_hit *h = &a->hits[i];
		a->hit_texts[i] = escaped_span(a->query + h->start, h->len);
		if (!a->hit_texts[i])
			return -ENOMEM;
		a->matches[i] = (struct ew_match){
			.entry = h->entry, .kind = EW_MATCH_MESSAGE,
			.as_name = h->entry ? h->entry->name : h->name, .system = -1,
			.number = h->number, .hit = h, .hit_text = a->hit_texts[i]};
		a->n = i + 1; /* counted as they are made: ew_answer_free() frees what exists */
	}
	if (a->n) {
		a->kind = EW_ANSWER_MESSAGE;
		return 0;
	}
	drop_hits(a);
	return 0;
}

/* Words, split at white space: the entries that mention every one. */
static int by_words(struct ew_answer *a)
{
	char *copy = strdup(a->query), *save = NULL;
	const char *words[WORDS_MAX];
	size_t n_words = 0, total;
	const struct ew_entry **found = NULL;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, " \t\r\n", &save); w && n_words < WORDS_MAX;
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n_words++] = w;
	ew_search(words, n_words, NULL, 0, &total);
	if (n_words == 0 || total == 0)
		goto out;
	found = calloc(total, sizeof(*found));
	a->matches = calloc(total, sizeof(*a->matches));
	if (!found || !a->matches) {
		r = -ENOMEM;
		goto out;
	}
	a->n = ew_search(words, n_words, found, total, NULL);
	for (size_t i = 0; i < a->n; i++)
		a->matches[i] = (struct ew_match){.entry = found[i], .kind = EW_MATCH_NAME,
						  .as_name = found[i]->name, .system = -1};
	a->kind = EW_ANSWER_SEARCH;
out:
	free(found);
	free(copy);
	return r;
}

int ew_answer_query(struct ew_answer *a, const char *text, size_t n)
{
	int r, unloaded = 0;

	if (!a)
		return -EINVAL;
	*a = (struct ew_answer){0};
	if (!text)
		return -EINVAL;
	if (n > EW_ANSWER_MAX_QUERY)
		return -E2BIG;
	a->query = malloc(n + 1);
	if (!a->query)
		return -ENOMEM;
	memcpy(a->query, text, n);
	a->query[n] = '\0';
	a->query_len = n;
	/* A NUL inside is part of the message, never the end of a name. */
	if (strlen(a->query) == n && (r = by_lookup(a)) < 0)
		return r;
	/* Without the recogniser the words can still answer; the caller is told. */
	if (a->kind == EW_ANSWER_NONE && (r = by_message(a)) < 0) {
		if (r != -ELIBACC)
			return r;
		unloaded = r;
	}
	if (a->kind == EW_ANSWER_NONE && (r = by_words(a)) < 0)
		return r;
	if (a->kind == EW_ANSWER_NONE)
		a->n_suggest = ew_suggest(a->query, a->suggest,
					  sizeof(a->suggest) / sizeof(a->suggest[0]), NULL);
	return unloaded;
}
