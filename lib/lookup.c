/* lookup.c: from what a person has in hand (a name, a number, a message) to catalog entries.
 * Every answer is a list of labelled matches, because one number can mean different errors in
 * different families and on different systems. The catalog is small (a few hundred entries at
 * most), so a linear scan is both the simplest and, measured, fast enough. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"

/* The query without surrounding white space or quotes, as [start, start+len). */
static const char *trim(const char *s, size_t *len)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
		s++;
		n -= 2;
	}
	*len = n;
	return s;
}

/* 98, -98, +98, 0x62, -0x62: a whole query that is one integer. */
static bool parse_number(const char *s, size_t len, long *out)
{
	char tmp[32], *end;
	long v;

	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (!isdigit((unsigned char)tmp[tmp[0] == '-' || tmp[0] == '+']))
		return false;
	errno = 0;
	v = strtol(tmp, &end, 0);
	if (errno || *end)
		return false;
	*out = v < 0 ? -v : v;
	return true;
}

static bool same_word(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && strncasecmp(a, b, alen) == 0;
}

static size_t add(struct ew_match *out, size_t n, size_t max, struct ew_match m)
{
	if (n < max)
		out[n] = m;
	return n + 1;
}

/* A name, an alias, or the kernel's negative form of either. */
static size_t by_name(const char *q, size_t len, struct ew_match *out, size_t max)
{
	size_t n = 0;

	if (len > 1 && q[0] == '-') {
		q++;
		len--;
	}
	for (size_t i = 0; i < ew_catalog_size; i++) {
		const struct ew_entry *e = &ew_catalog[i];
		for (size_t k = 0; k < e->n_numbers; k++) {
			if (!same_word(q, len, e->numbers[k].name))
				continue;
			n = add(out, n, max, (struct ew_match){
				.entry = e, .kind = k ? EW_MATCH_ALIAS : EW_MATCH_NAME,
				.as_name = e->numbers[k].name, .system = -1, .number = e->number});
		}
	}
	return n;
}

/* strerror texts, ignoring case and a final full stop ("Address already in use."). */
static size_t by_message(const char *q, size_t len, struct ew_match *out, size_t max)
{
	size_t n = 0;

	if (len && q[len - 1] == '.')
		len--;
	for (size_t i = 0; i < ew_catalog_size; i++) {
		const struct ew_entry *e = &ew_catalog[i];
		if (same_word(q, len, e->message))
			n = add(out, n, max, (struct ew_match){
				.entry = e, .kind = EW_MATCH_MESSAGE, .as_name = e->name,
				.system = -1, .number = e->number});
	}
	return n;
}

size_t ew_lookup(const char *query, struct ew_match *out, size_t max)
{
	size_t len, n;
	const char *q = trim(query, &len);
	long number;

	if (len == 0)
		return 0;
	if (parse_number(q, len, &number)) {
		n = 0;
		for (size_t i = 0; i < ew_catalog_size; i++)
			if (ew_catalog[i].number == number)
				n = add(out, n, max, (struct ew_match){
					.entry = &ew_catalog[i], .kind = EW_MATCH_NUMBER,
					.as_name = ew_catalog[i].name, .system = -1, .number = number});
		return n;
	}
	n = by_name(q, len, out, max);
	return n ? n : by_message(q, len, out, max);
}

/* ---- numbers on other systems ----------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned mask;
} os_names[] = {
	{"darwin", 1u << EW_SYS_DARWIN},
	{"macos", 1u << EW_SYS_DARWIN},
	{"freebsd", 1u << EW_SYS_FREEBSD},
	{"openbsd", 1u << EW_SYS_OPENBSD},
	{"windows", (1u << EW_SYS_WINDOWS_WSA) | (1u << EW_SYS_WINDOWS_CRT)},
	{"windows-wsa", 1u << EW_SYS_WINDOWS_WSA},
	{"windows-crt", 1u << EW_SYS_WINDOWS_CRT},
	{"linux-alpha", 1u << EW_SYS_LINUX_ALPHA},
	{"linux-mips", 1u << EW_SYS_LINUX_MIPS},
	{"linux-parisc", 1u << EW_SYS_LINUX_PARISC},
	{"linux-sparc", 1u << EW_SYS_LINUX_SPARC},
	{"all", (1u << EW_SYS_COUNT) - 1},
};

unsigned ew_os_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(os_names) / sizeof(os_names[0]); i++)
		if (strcasecmp(name, os_names[i].name) == 0)
			return os_names[i].mask;
	return 0;
}

const char *ew_os_names(void)
{
	return "darwin (macos), freebsd, openbsd, windows (windows-wsa, windows-crt), "
	       "linux-alpha, linux-mips, linux-parisc, linux-sparc, all";
}

/* Adds a foreign match, or adds sys to the match already made for the same entry and name. */
static size_t add_foreign(struct ew_match *out, size_t n, size_t max, const struct ew_entry *e,
			  const char *name, int sys, long number)
{
	for (size_t i = 0; i < n && i < max; i++) {
		if (out[i].entry == e && strcmp(out[i].as_name, name) == 0) {
			out[i].systems |= 1u << sys;
			return n;
		}
	}
	return add(out, n, max, (struct ew_match){
		.entry = e, .kind = EW_MATCH_FOREIGN, .as_name = name, .system = sys,
		.systems = 1u << sys, .number = number});
}

size_t ew_lookup_foreign(unsigned mask, long number, struct ew_match *out, size_t max)
{
	size_t n = 0;

	if (number < 0)
		number = -number;
	for (int sys = 0; sys < EW_SYS_COUNT; sys++) {
		if (!(mask & (1u << sys)))
			continue;
		for (size_t i = 0; i < ew_catalog_size; i++) {
			const struct ew_entry *e = &ew_catalog[i];
			/* The first row that has the number names it: EAGAIN before EWOULDBLOCK. */
			for (size_t k = 0; k < e->n_numbers; k++) {
				if (e->numbers[k].on[sys] != number)
					continue;
				n = add_foreign(out, n, max, e, e->numbers[k].name, sys, number);
				break;
			}
		}
	}
	return n;
}

/* ---- suggestions ------------------------------------------------------------------------ */

/* Edit distance with transpositions (optimal string alignment), ignoring case. Names are
 * short, so the whole table fits on the stack. */
static unsigned distance(const char *a, const char *b)
{
	enum { MAXLEN = 32 };
	unsigned d[MAXLEN + 1][MAXLEN + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > MAXLEN || lb > MAXLEN)
		return UINT_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = toupper((unsigned char)a[i - 1]) != toupper((unsigned char)b[j - 1]);
			unsigned best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 &&
			    toupper((unsigned char)a[i - 1]) == toupper((unsigned char)b[j - 2]) &&
			    toupper((unsigned char)a[i - 2]) == toupper((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

struct candidate {
	const struct ew_entry *entry;
	unsigned distance;
};

static int by_distance(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->entry->number - y->entry->number;
}

size_t ew_suggest(const char *query, const struct ew_entry **out, size_t max)
{
	struct candidate found[64];
	size_t n = 0, len;
	const char *q = trim(query, &len);
	char name[33];

	if (len && q[0] == '-') {
		q++;
		len--;
	}
	if (len == 0 || len >= sizeof(name))
		return 0;
	memcpy(name, q, len);
	name[len] = '\0';
	for (size_t i = 0; i < ew_catalog_size && n < sizeof(found) / sizeof(found[0]); i++) {
		const struct ew_entry *e = &ew_catalog[i];
		unsigned best = UINT_MAX;
		for (size_t k = 0; k < e->n_numbers; k++) {
			unsigned d = distance(name, e->numbers[k].name);
			best = d < best ? d : best;
		}
		/* Within two edits, and within a third of the name: "EIO" is no hint for "EX". */
		if (best > 0 && best <= 2 && best * 3 <= len)
			found[n++] = (struct candidate){e, best};
	}
	qsort(found, n, sizeof(*found), by_distance);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = found[i].entry;
	return n < max ? n : max;
}

/* ---- search ----------------------------------------------------------------------------- */

static bool contains(const char *hay, const char *word)
{
	return hay && strcasestr(hay, word) != NULL;
}

static bool list_contains(const char *const *items, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (contains(items[i], word))
			return true;
	return false;
}

/* How well one word fits an entry: a hit in the name counts most, one deep in the text least;
 * 0 when the word is nowhere. */
static int word_score(const struct ew_entry *e, const char *w)
{
	int score = 0;

	for (size_t k = 0; k < e->n_numbers; k++)
		if (strcasecmp(e->numbers[k].name, w) == 0)
			score += 100;
		else if (contains(e->numbers[k].name, w))
			score += 30;
	if (contains(e->message, w))
		score += 20;
	if (contains(e->title, w))
		score += 20;
	if (contains(e->category, w))
		score += 5;
	if (contains(e->meaning, w))
		score += 5;
	if (list_contains(e->causes, e->n_causes, w))
		score += 2;
	for (size_t i = 0; i < e->n_fixes; i++)
		if (contains(e->fixes[i].title, w) || contains(e->fixes[i].when, w))
			score += 1;
	return score;
}

struct scored {
	const struct ew_entry *entry;
	int score;
};

static int by_score(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (x->score != y->score)
		return y->score - x->score;
	return x->entry->number - y->entry->number;
}

size_t ew_search(const char *const *words, size_t n_words, const struct ew_entry **out,
		 size_t max)
{
	struct scored *hits;
	size_t n = 0;

	if (n_words == 0)
		return 0;
	hits = calloc(ew_catalog_size, sizeof(*hits));
	if (!hits)
		return 0;
	for (size_t i = 0; i < ew_catalog_size; i++) {
		int total = 0;
		size_t w;
		for (w = 0; w < n_words; w++) {
			int s = word_score(&ew_catalog[i], words[w]);
			if (s == 0)
				break;
			total += s;
		}
		if (w == n_words)
			hits[n++] = (struct scored){&ew_catalog[i], total};
	}
	qsort(hits, n, sizeof(*hits), by_score);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = hits[i].entry;
	free(hits);
	return n;
}
