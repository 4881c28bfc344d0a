/* fuzz_identify.c: libFuzzer harness for the recogniser: ew_identify() and the streaming
 * scanner (ew_scanner_*) fed the input in chunks of sizes drawn from its first bytes.
 *
 * Input layout: byte 0 picks the largest chunk (low 3 bits) and whether the text is the rest
 * repeated past the scanner's block (bits 3-5 all set, so block cuts and the overlap are
 * reached by inputs of a few bytes; one input in eight, as these runs are slow); bytes 1-4
 * seed the chunk sizes; the text is the rest. Properties,
 * each an abort() naming the field:
 *  1. every hit: its span lies within the line given to the callback and is not empty; that
 *     line (the lines a broken text covers) holds line breaks only inside the span and is
 *     bytes of the input; name and how are set; every hit has its entry, whose name
 *     and family it carries; port -1 or 1..65535; pid -1 or above;
 *     address, syscall and path NUL-terminated within their arrays; line numbers start at 1,
 *     never decrease, and never pass the input's line count;
 *  2. the hits do not depend on how the text is cut into chunks (one feed, random chunks);
 *  3. ew_identify(): no more than max nor total, the same hits on a second call, spans within
 *     the text, and the errors of the stream, in the order they first appear. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "errwhy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BIG (300 * 1024) /* past one block of the scanner (256 KiB) and its overlap */
#define HITS_KEPT 4096   /* stream hits compared; the rest only checked */
#define IDENTIFY_MAX 256

struct seen {
	const char *name, *family;
	uint64_t line;
	size_t start, len;
	int port;
	long pid;
	uint64_t line_hash; /* of the line handed to the callback */
};

struct run {
	const char *text;
	size_t n;
	uint64_t lines; /* line breaks in text, plus one */
	uint64_t last_line;
	struct seen *hits;
	size_t n_hits, n_all;
	unsigned sum; /* of the spans' bytes: keeps their reads */
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

static void check_string(const char *what, const char *field, size_t size)
{
	if (!memchr(field, '\0', size))
		fuzz_fail("%s: context string not NUL-terminated within its %zu bytes", what, size);
}

/* Property 1 for one hit; line_len is 0 for ew_identify (no line is given). */
static void check_hit(const char *what, const struct ew_hit *h)
{
	if (!h->name || !h->how || !h->family)
		fuzz_fail("%s: name %p, how %p, family %p", what, (const void *)h->name,
			  (const void *)h->how, (const void *)h->family);
	if (!h->entry)
		fuzz_fail("%s: hit %s without an entry", what, h->name);
	if (strcmp(h->family, ew_family_key(h->entry->family)) != 0 ||
	    strcmp(h->name, h->entry->name) != 0)
		fuzz_fail("%s: hit %s (%s) is not its entry's, %s (%s)", what, h->name, h->family,
			  h->entry->name, ew_family_key(h->entry->family));
	if (h->context.port != -1 && (h->context.port < 1 || h->context.port > 65535))
		fuzz_fail("%s: %s: port %d", what, h->name, h->context.port);
	if (h->context.pid < -1)
		fuzz_fail("%s: %s: pid %ld", what, h->name, h->context.pid);
	check_string(what, h->context.address, sizeof(h->context.address));
	check_string(what, h->context.syscall, sizeof(h->context.syscall));
	check_string(what, h->context.path, sizeof(h->context.path));
	if (h->line < 1)
		fuzz_fail("%s: %s on line 0", what, h->name);
}

static int on_hit(const struct ew_hit *h, const char *line, size_t line_len, void *ctx)
{
	struct run *r = ctx;

	check_hit("scanner hit", h);
	if (!line || h->len == 0 || h->start >= line_len)
		fuzz_fail("scanner hit %s: span %zu+%zu outside its line of %zu bytes", h->name,
			  h->start, h->len, line_len);
	/* The span lies within the line given (for a text broken across lines, the lines it
	 * covers). Every byte of it is read, so ASan says when it is not the scanner's memory. */
	if (h->len > line_len - h->start)
		fuzz_fail("scanner hit %s: span %zu+%zu past its line of %zu bytes", h->name,
			  h->start, h->len, line_len);
	unsigned sum = 0;
	for (size_t i = 0; i < h->len; i++)
		sum += (unsigned char)line[h->start + i];
	r->sum += sum;
	/* Line breaks stand only where a broken text covers them. */
	const char *nl = memchr(line, '\n', line_len);
	const char *last = nl ? memrchr(line, '\n', line_len) : NULL;
	if (nl && (nl < line + h->start || last >= line + h->start + h->len))
		fuzz_fail("scanner hit %s: the line given holds a line break outside the span", h->name);
	if (h->line < r->last_line || h->line > r->lines)
		fuzz_fail("scanner hit %s: line %llu after line %llu (the text has %llu)", h->name,
			  (unsigned long long)h->line, (unsigned long long)r->last_line,
			  (unsigned long long)r->lines);
	r->last_line = h->line;
	/* Bytes of the input (checked on small texts: memmem over a big one per hit is slow). */
	if (r->n <= 64 * 1024 && line_len && !memmem(r->text, r->n, line, line_len))
		fuzz_fail("scanner hit %s: its line is not in the input", h->name);
	if (r->n_hits < HITS_KEPT)
		r->hits[r->n_hits++] = (struct seen){.name = h->name, .family = h->family,
			.line = h->line, .start = h->start, .len = h->len, .port = h->context.port,
			.pid = h->context.pid, .line_hash = hash(line, line_len)};
	r->n_all++;
	return 0;
}

/* xorshift64: the chunk sizes, from the input's bytes 1-4. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Scans text through one scanner, in chunks of 1..max_chunk bytes (0: all in one feed). */
static void stream(struct run *r, const char *text, size_t n, size_t max_chunk, uint64_t seed)
{
	struct ew_scanner *s;
	int e = ew_scanner_new(&s, on_hit, r);

	if (e != 0)
		fuzz_fail("ew_scanner_new: %d (%s)", e, ew_identify_error());
	*r = (struct run){.text = text, .n = n, .lines = 1, .last_line = 1, .hits = r->hits};
	for (const char *p = text; (p = memchr(p, '\n', n - (size_t)(p - text))); p++)
		r->lines++;
	for (size_t at = 0; at < n;) {
		size_t k = max_chunk ? 1 + next(&seed) % max_chunk : n;
		if (k > n - at)
			k = n - at;
		if ((e = ew_scanner_feed(s, text + at, k)) != 0)
			fuzz_fail("ew_scanner_feed: %d", e);
		at += k;
	}
	if ((e = ew_scanner_end(s)) != 0)
		fuzz_fail("ew_scanner_end: %d", e);
	ew_scanner_free(s);
}

static void same_stream(const struct run *a, const struct run *b, size_t max_chunk)
{
	if (a->n_all != b->n_all)
		fuzz_fail("%zu hits in one feed, %zu in chunks of up to %zu bytes", a->n_all,
			  b->n_all, max_chunk);
	for (size_t i = 0; i < a->n_hits; i++) {
		const struct seen *x = &a->hits[i], *y = &b->hits[i];
		if (strcmp(x->name, y->name) || strcmp(x->family, y->family) || x->line != y->line ||
		    x->start != y->start || x->len != y->len || x->port != y->port ||
		    x->pid != y->pid || x->line_hash != y->line_hash)
			fuzz_fail("hit %zu: %s line %llu at %zu+%zu in one feed, %s line %llu at "
				  "%zu+%zu in chunks of up to %zu bytes", i, x->name,
				  (unsigned long long)x->line, x->start, x->len, y->name,
				  (unsigned long long)y->line, y->start, y->len, max_chunk);
	}
}

static bool same_hit(const struct ew_hit *a, const struct ew_hit *b)
{
	return a->entry == b->entry && a->name == b->name && a->family == b->family &&
	       a->how == b->how && a->lang == b->lang && a->ecosystem == b->ecosystem &&
	       a->system == b->system && a->number == b->number && a->line == b->line &&
	       a->start == b->start && a->len == b->len && a->context.port == b->context.port &&
	       a->context.pid == b->context.pid &&
	       strcmp(a->context.address, b->context.address) == 0 &&
	       strcmp(a->context.syscall, b->context.syscall) == 0 &&
	       strcmp(a->context.path, b->context.path) == 0;
}

/* Property 3, against the stream's hits of the same text (one feed). */
static void identify(const char *text, size_t n, const struct run *r)
{
	static struct ew_hit a[IDENTIFY_MAX], b[IDENTIFY_MAX], one[1];
	size_t total_a, total_b, total_1;
	int err;
	size_t na = ew_identify(text, n, a, IDENTIFY_MAX, &total_a, &err);

	if (err)
		fuzz_fail("ew_identify: %d", err);
	size_t nb = ew_identify(text, n, b, IDENTIFY_MAX, &total_b, NULL);
	size_t n1 = ew_identify(text, n, one, 1, &total_1, NULL);
	if (na > total_a || na > IDENTIFY_MAX || (na < IDENTIFY_MAX && na != total_a))
		fuzz_fail("ew_identify filled %zu with a total of %zu", na, total_a);
	if (n1 > 1 || total_1 != total_a || (total_a && n1 != 1))
		fuzz_fail("ew_identify with max 1: %zu of %zu, %zu with max %d", n1, total_1,
			  total_a, IDENTIFY_MAX);
	if (nb != na || total_b != total_a)
		fuzz_fail("ew_identify twice: %zu then %zu hits", na, nb);
	for (size_t i = 0; i < na; i++) {
		check_hit("ew_identify hit", &a[i]);
		if (!same_hit(&a[i], &b[i]) || (i == 0 && !same_hit(&a[0], &one[0])))
			fuzz_fail("ew_identify twice: hit %zu differs (%s, %s)", i, a[i].name,
				  b[i].name);
		if (a[i].len == 0 || a[i].start > n || a[i].len > n - a[i].start)
			fuzz_fail("ew_identify hit %s: span %zu+%zu outside the text of %zu bytes",
				  a[i].name, a[i].start, a[i].len, n);
		if (i && a[i].line < a[i - 1].line)
			fuzz_fail("ew_identify hit %zu: line %llu after %llu", i,
				  (unsigned long long)a[i].line, (unsigned long long)a[i - 1].line);
	}
	if (r->n_all > r->n_hits)
		return; /* not all stream hits were kept to compare with */
	/* The distinct errors of the stream, first appearance first. */
	size_t k = 0;
	for (size_t i = 0; i < r->n_hits; i++) {
		size_t j = 0;
		while (j < i && strcmp(r->hits[j].name, r->hits[i].name) != 0)
			j++;
		if (j < i)
			continue;
		if (k < na && (strcmp(a[k].name, r->hits[i].name) != 0 ||
			       a[k].line != r->hits[i].line))
			fuzz_fail("ew_identify hit %zu is %s on line %llu, the stream's %s on "
				  "line %llu", k, a[k].name, (unsigned long long)a[k].line,
				  r->hits[i].name, (unsigned long long)r->hits[i].line);
		k++;
	}
	if (k != total_a && !(k > IDENTIFY_MAX && total_a == IDENTIFY_MAX))
		fuzz_fail("ew_identify found %zu errors, the stream %zu", total_a, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[8] = {1, 2, 7, 64, 255, 4096, 65536, 300 * 1024};
	static struct seen hits_a[HITS_KEPT], hits_b[HITS_KEPT];
	struct run a = {.hits = hits_a}, b = {.hits = hits_b};
	uint64_t seed = 0x9e3779b97f4a7c15u;
	size_t max_chunk, n;
	char *text;

	if (size < 5)
		return 0;
	max_chunk = chunks[data[0] & 7];
	for (int i = 1; i < 5; i++)
		seed = (seed ^ data[i]) * 0x100000001b3u;
	seed |= 1;
	data += 5;
	size -= 5;
	n = (data[-5] & 0x38) == 0x38 && size ? BIG - BIG % size : size;
	if (!(text = malloc(n ? n : 1)))
		return 0;
	for (size_t at = 0; at < n; at += size)
		memcpy(text + at, data, size);
	/* Byte-at-a-time feeds of a big text take too long to be worth it. */
	if (n > 64 * 1024 && max_chunk < 64)
		max_chunk = 64;

	stream(&a, text, n, 0, 0);
	stream(&b, text, n, max_chunk, seed);
	same_stream(&a, &b, max_chunk);
	identify(text, n, &a);
	free(text);
	return 0;
}
