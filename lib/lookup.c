/* lookup.c: from what a person has in hand (a name, a number, a message) to catalog entries.
 * Every answer is a list of labelled matches, because one number can mean different errors in
 * different families and on different systems. Names, messages and numbers are answered from
 * the catalog's sorted index (lib/catalog.h) by binary search, so a lookup builds only the
 * entries it returns (ew_entry_at()). */
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

/* The magnitude of one integer in [s, s+len): 98, -98, +98, 0x62, -0x62. Decimal, or hex after
 * 0x; a leading zero does not make octal ("077" is 77), as errwhy(1) says. Accumulated by hand
 * rather than with strtol(), so the base is ours and LONG_MIN needs no negating. */
static int parse_number(const char *s, size_t len, long *out)
{
	unsigned long v = 0, base = 10;
	size_t i = 0;

	if (len && (s[0] == '-' || s[0] == '+'))
		i++;
	if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned long d;
		if (isdigit(c))
			d = (unsigned long)(c - '0');
		else if (base == 16 && isxdigit(c))
			d = (unsigned long)(tolower(c) - 'a' + 10);
		else
			return -EINVAL;
		if (v > ((unsigned long)LONG_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = (long)v;
	return 0;
}

int ew_number_parse(const char *text, long *out)
{
	long v;
	int r;

	if (!text)
		return -EINVAL;
	r = parse_number(text, strlen(text), &v);
	if (r == 0 && out)
		*out = v;
	return r;
}

static bool same_word(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && strncasecmp(a, b, alen) == 0;
}

/* Where matches go: at most max into out (which may be NULL), while total counts them all. */
struct sink {
	struct ew_match *out;
	size_t max;
	size_t written;
	size_t total;
};

static void add(struct sink *k, struct ew_match m)
{
	if (k->out && k->written < k->max)
		k->out[k->written++] = m;
	k->total++;
}

/* The sink's results through the public contract: written is returned, total reported. */
static size_t finish(const struct sink *k, size_t *total)
{
	if (total)
		*total = k->total;
	return k->written;
}

/* Whether an entry of family f is of the family asked for (-1: any). */
static bool in_family(unsigned f, int family)
{
	return family < 0 || f == (unsigned)family;
}

static struct ew_match match_of(size_t entry, enum ew_match_kind kind, const char *as_name,
				long number)
{
	const struct ew_entry *e = ew_entry_at(entry);
	return (struct ew_match){.entry = e, .kind = kind, .as_name = as_name ? as_name : e->name,
				 .system = -1, .number = number};
}

/* Compares the query [q, q+len) with text as strcasecmp() orders them: the order catalogc
 * sorted the index in. */
static int cmp_word(const char *q, size_t len, const char *text)
{
	int c = strncasecmp(q, text, len);
	return c ? c : text[len] ? -1 : 0;
}

/* The first name key not below the query. */
static size_t first_name(const char *q, size_t len)
{
	size_t lo = 0, hi = ew_catalog_n_names;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_word(q, len, ew_catalog_str(ew_catalog_names[mid].text)) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A name, an alias, or the kernel's negative form of either; a signal also without SIG; an
 * exit status by its symbol (EX_USAGE, EXIT_EXEC; not 128+N's signal, the signal's own). The
 * keys that match lie together, in the order of the entries. */
static void by_name(const char *q, size_t len, int family, struct sink *k)
{
	if (len > 1 && q[0] == '-') {
		q++;
		len--;
	}
	for (size_t i = first_name(q, len); i < ew_catalog_n_names; i++) {
		const struct ew_name_key *key = &ew_catalog_names[i];
		if (cmp_word(q, len, ew_catalog_str(key->text)) != 0)
			break;
		if (!in_family(key->family, family))
			continue;
		add(k, match_of(key->entry, (enum ew_match_kind)key->kind,
				ew_catalog_str(key->as_name), ew_catalog_number[key->entry]));
	}
}

/* strerror texts, ignoring case and a final full stop ("Address already in use."). */
static void by_message(const char *q, size_t len, int family, struct sink *k)
{
	size_t lo = 0, hi = ew_catalog_size;

	if (len && q[len - 1] == '.')
		len--;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_word(q, len, ew_catalog_str(ew_catalog_message_keys[mid].text)) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ew_catalog_size; lo++) {
		const struct ew_message_key *key = &ew_catalog_message_keys[lo];
		if (cmp_word(q, len, ew_catalog_str(key->text)) != 0)
			break;
		if (in_family(key->family, family))
			add(k, match_of(key->entry, EW_MATCH_MESSAGE, NULL,
					ew_catalog_number[key->entry]));
	}
}

static long magnitude_of(size_t entry)
{
	long n = ew_catalog_number[entry];
	return n < 0 ? -n : n;
}

/* The first entry of the family whose number's magnitude is not below magnitude: a family's
 * entries are in the order of their numbers' magnitudes. */
static size_t first_number(enum ew_family f, long magnitude)
{
	size_t lo = ew_catalog_family_start[f], hi = ew_catalog_family_start[f + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (magnitude_of(mid) < magnitude)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether a number of family f is the one asked for: errno values and kernel codes with
 * either sign (the kernel's -98), signals and exit statuses are positive, getaddrinfo codes
 * negative. */
static bool has_number(enum ew_family f, long number, long magnitude, bool negative)
{
	switch (f) {
	case EW_FAMILY_ERRNO:
	case EW_FAMILY_KERNEL:
		return number == magnitude;
	case EW_FAMILY_RESOLVER:
		return negative && number == -magnitude;
	case EW_FAMILY_SIGNAL:
	case EW_FAMILY_EXIT:
	default:
		return !negative && number == magnitude;
	}
}

/* The real-time signals between SIGRTMIN and SIGRTMAX have one entry, SIGRTMIN's. */
static bool realtime_signal(long magnitude, bool negative)
{
	return !negative && ew_catalog_rtmin >= 0 && ew_catalog_rtmax >= 0 &&
	       magnitude > ew_catalog_number[ew_catalog_rtmin] &&
	       magnitude < ew_catalog_number[ew_catalog_rtmax];
}

/* The order in which families answer a number, most likely first. A shell or container's exit
 * status is what people paste most from 126 up (no Linux errno is above 133); below, an
 * errno, then a signal (kill -9), then an exit status; a negative number is the kernel's
 * -errno, then getaddrinfo's (Python's "[Errno -2]"). */
static void family_order(long magnitude, bool negative, enum ew_family order[EW_FAMILY_COUNT])
{
	static const enum ew_family low[] = {EW_FAMILY_ERRNO, EW_FAMILY_SIGNAL, EW_FAMILY_EXIT,
					     EW_FAMILY_RESOLVER, EW_FAMILY_KERNEL};
	static const enum ew_family status[] = {EW_FAMILY_EXIT, EW_FAMILY_ERRNO, EW_FAMILY_SIGNAL,
						EW_FAMILY_RESOLVER, EW_FAMILY_KERNEL};
	static const enum ew_family minus[] = {EW_FAMILY_ERRNO, EW_FAMILY_RESOLVER,
					       EW_FAMILY_KERNEL, EW_FAMILY_SIGNAL, EW_FAMILY_EXIT};
	const enum ew_family *o = negative ? minus : magnitude >= 126 ? status : low;

	memcpy(order, o, sizeof(low));
}

/* Each family's entries with the number, in the family's number order. SIGRTMIN's entry
 * answers for the real-time signals above it, and comes first: every other signal that has
 * such a number is above SIGRTMIN in that order. */
static void by_number(long magnitude, bool negative, int family, struct sink *k)
{
	enum ew_family order[EW_FAMILY_COUNT];

	family_order(magnitude, negative, order);
	for (size_t f = 0; f < EW_FAMILY_COUNT; f++) {
		enum ew_family fam = order[f];
		if (!in_family(fam, family))
			continue;
		if (fam == EW_FAMILY_SIGNAL && realtime_signal(magnitude, negative))
			add(k, match_of((size_t)ew_catalog_rtmin, EW_MATCH_NUMBER, NULL, magnitude));
		for (size_t i = first_number(fam, magnitude);
		     i < ew_catalog_family_start[fam + 1] && magnitude_of(i) == magnitude; i++)
			if (has_number(fam, ew_catalog_number[i], magnitude, negative))
				add(k, match_of(i, EW_MATCH_NUMBER, NULL, magnitude));
	}
}

/* systemctl's "203/EXEC": a status and its name, which must agree. */
static bool by_status_name(const char *q, size_t len, int family, struct sink *k)
{
	size_t digits = 0;
	long n = 0;

	while (digits < len && digits < 4 && isdigit((unsigned char)q[digits]))
		n = n * 10 + (q[digits++] - '0');
	if (!digits || digits + 1 >= len || q[digits] != '/')
		return false;
	const char *name = q + digits + 1;
	size_t name_len = len - digits - 1;
	if (!in_family(EW_FAMILY_EXIT, family))
		return true;
	for (size_t i = first_number(EW_FAMILY_EXIT, n);
	     i < ew_catalog_family_start[EW_FAMILY_EXIT + 1] && magnitude_of(i) == n; i++) {
		const char *sym = ew_catalog_str(ew_catalog_recs[i].symbol);
		if (ew_catalog_number[i] != n || !sym)
			continue;
		sym += strncmp(sym, "EXIT_", 5) == 0 ? 5 : strncmp(sym, "EX_", 3) == 0 ? 3 : 0;
		if (same_word(name, name_len, sym))
			add(k, match_of(i, EW_MATCH_NAME, NULL, n));
	}
	return true;
}

size_t ew_lookup_in(const char *query, int family, struct ew_match *out, size_t max,
		    size_t *total)
{
	struct sink k = {.out = out, .max = max};
	size_t len;
	const char *q;
	long number;

	if (!query)
		return finish(&k, total);
	q = trim(query, &len);
	if (len == 0)
		return finish(&k, total);
	if (parse_number(q, len, &number) == 0) {
		by_number(number, q[0] == '-', family, &k);
		return finish(&k, total);
	}
	if (by_status_name(q, len, family, &k))
		return finish(&k, total);
	/* A word that looks like a number but is not one (too big, "09z") is no name either. */
	by_name(q, len, family, &k);
	if (k.total == 0)
		by_message(q, len, family, &k);
	return finish(&k, total);
}

size_t ew_lookup(const char *query, struct ew_match *out, size_t max, size_t *total)
{
	return ew_lookup_in(query, -1, out, max, total);
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
	if (!name)
		return 0;
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

/* The row of e that names number on sys: the first that has it, EAGAIN before EWOULDBLOCK;
 * -1 if none does. */
static long row_on(const struct ew_entry_rec *e, int sys, long number)
{
	for (size_t r = 0; r < e->n_numbers; r++)
		if (ew_catalog_numbers[e->numbers + r].on[sys] == number)
			return (long)r;
	return -1;
}

/* One match per entry and name; a name matched on several systems gets every system in its
 * match. Whether a (entry, name) was met already is worked out from the catalog, not from out,
 * so the total is right however small max is. */
size_t ew_lookup_foreign(unsigned mask, long number, struct ew_match *out, size_t max,
			 size_t *total)
{
	struct sink k = {.out = out, .max = max};

	/* Every table holds 32-bit numbers; this also keeps -LONG_MIN from being computed. */
	if (number < -(long)INT32_MAX || number > (long)INT32_MAX)
		return finish(&k, total);
	if (number < 0)
		number = -number;
	for (int sys = 0; sys < EW_SYS_COUNT; sys++) {
		if (!(mask & (1u << sys)))
			continue;
		for (size_t i = 0; i < ew_catalog_size; i++) {
			const struct ew_entry_rec *e = &ew_catalog_recs[i];
			long r = row_on(e, sys, number);
			int first = sys;
			if (r < 0)
				continue;
			const struct ew_numbers_rec *row = &ew_catalog_numbers[e->numbers + r];
			const char *as_name = ew_catalog_str(row->name);
			for (int s = 0; s < sys; s++)
				if ((mask & (1u << s)) && row_on(e, s, number) == r) {
					first = s;
					break;
				}
			if (first == sys) {
				add(&k, (struct ew_match){
					.entry = ew_entry_at(i), .kind = EW_MATCH_FOREIGN,
					.as_name = as_name, .system = sys,
					.systems = 1u << sys, .number = number});
				continue;
			}
			for (size_t w = 0; w < k.written; w++)
				if (ew_entry_index(out[w].entry) == i && out[w].as_name == as_name)
					out[w].systems |= 1u << sys;
		}
	}
	return finish(&k, total);
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

size_t ew_suggest(const char *query, const struct ew_entry **out, size_t max, size_t *total)
{
	struct candidate *found;
	size_t n = 0, len, written = 0;
	const char *q;
	char name[33];

	if (total)
		*total = 0;
	if (!query)
		return 0;
	q = trim(query, &len);
	if (len && q[0] == '-') {
		q++;
		len--;
	}
	if (len == 0 || len >= sizeof(name))
		return 0;
	memcpy(name, q, len);
	name[len] = '\0';
	found = calloc(ew_catalog_size ? ew_catalog_size : 1, sizeof(*found));
	if (!found)
		return 0;
	for (size_t i = 0; i < ew_catalog_size; i++) {
		const struct ew_entry_rec *e = &ew_catalog_recs[i];
		unsigned best = UINT_MAX;
		for (size_t k = 0; k < e->n_numbers; k++) {
			const char *row = ew_catalog_str(ew_catalog_numbers[e->numbers + k].name);
			unsigned d = distance(name, row);
			best = d < best ? d : best;
		}
		/* Within two edits, and within a third of the name: "EIO" is no hint for "EX". */
		if (best > 0 && best <= 2 && best * 3 <= len)
			found[n++] = (struct candidate){ew_entry_at(i), best};
	}
	qsort(found, n, sizeof(*found), by_distance);
	for (; out && written < n && written < max; written++)
		out[written] = found[written].entry;
	free(found);
	if (total)
		*total = n;
	return written;
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
		 size_t max, size_t *total)
{
	struct scored *hits, room[512];
	size_t n = 0, written = 0;

	if (total)
		*total = 0;
	if (!words || n_words == 0)
		return 0;
	/* A missing word can be found nowhere: no entry contains all of them. */
	for (size_t w = 0; w < n_words; w++)
		if (!words[w])
			return 0;
	/* On the stack while the catalog fits (it does, several times over), so that a search
	 * never fails for memory; a catalog past that would take the heap. */
	hits = ew_catalog_size <= sizeof(room) / sizeof(room[0])
		       ? room
		       : calloc(ew_catalog_size, sizeof(*hits));
	if (!hits)
		return 0;
	for (size_t i = 0; i < ew_catalog_size; i++) {
		int sum = 0;
		size_t w;
		for (w = 0; w < n_words; w++) {
			int s = word_score(ew_entry_at(i), words[w]);
			if (s == 0)
				break;
			sum += s;
		}
		if (w == n_words)
			hits[n++] = (struct scored){ew_entry_at(i), sum};
	}
	qsort(hits, n, sizeof(*hits), by_score);
	for (; out && written < n && written < max; written++)
		out[written] = hits[written].entry;
	if (hits != room)
		free(hits);
	if (total)
		*total = n;
	return written;
}
