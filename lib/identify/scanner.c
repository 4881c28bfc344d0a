/* scanner.c: the streaming scanner. Input is cut into blocks that end at a line break; each
 * block is scanned by the database in one call, and the candidates are verified and decided
 * line by line. The last line of a block is scanned again with the next one, so a text broken
 * across that line break is still found; a match counts in the block where it ends. A line
 * longer than a block is cut with the same overlap: memory stays constant whatever the input. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identify.h"

#define BLOCK (256 * 1024)     /* scanned at once */
#define OVERLAP (4 * 1024)     /* kept from the previous block: longer than any span */
#define WINDOW (64 * 1024)     /* of a long line, what a hit sees around its span */
#define CANDS_MAX 4096         /* per block; more are decided in rounds */
#define HITS_PER_LINE 16

struct ew_scanner {
	const struct ew_hs *hs;
	void *scratch;
	ew_hit_fn fn;
	void *ctx;
	char *buf;              /* OVERLAP + BLOCK bytes */
	size_t len;             /* bytes in buf */
	size_t seen;            /* buf[0..seen) was scanned before */
	size_t scan_len;        /* buf[0..scan_len) is being scanned */
	uint64_t line;          /* the line number of buf[0] */
	uint64_t base;          /* the input offset of buf[0] */
	struct ew_cand *cands;
	size_t n_cands;
	bool overflow;
	int stop;               /* a callback's non-zero return */
};

int ew_scanner_new(struct ew_scanner **out, ew_hit_fn fn, void *ctx)
{
	const struct ew_hs *hs = ew_hs_get();
	struct ew_scanner *s;
	int r;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!hs)
		return -ELIBACC;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct ew_scanner){.hs = hs, .fn = fn, .ctx = ctx, .line = 1};
	s->buf = malloc(OVERLAP + BLOCK);
	s->cands = malloc(CANDS_MAX * sizeof(*s->cands));
	r = s->buf && s->cands ? ew_hs_scratch_new(hs, &s->scratch) : -ENOMEM;
	if (r < 0) {
		ew_scanner_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void ew_scanner_free(struct ew_scanner *s)
{
	if (!s)
		return;
	ew_hs_scratch_free(s->hs, s->scratch);
	free(s->buf);
	free(s->cands);
	free(s);
}

/* The line around offset at in buf[0..n): its start and end, at most WINDOW wide. */
static void line_around(const char *buf, size_t n, size_t at, size_t *ls, size_t *le)
{
	size_t lo = at > WINDOW / 2 ? at - WINDOW / 2 : 0;
	const char *p = at ? memrchr(buf + lo, '\n', at - lo) : NULL;
	*ls = p ? (size_t)(p - buf) + 1 : lo;
	size_t hi = n - at > WINDOW / 2 ? at + WINDOW / 2 : n;
	p = memchr(buf + at, '\n', hi - at);
	*le = p ? (size_t)(p - buf) : hi;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *ctx)
{
	struct ew_scanner *s = ctx;
	struct ew_cand c;
	(void)from;
	(void)flags;

	if (id >= ew_n_patterns)
		return 0;
	if (ew_patterns[id].base >= 0) {
		/* A text broken after this line: read on into the next line, which is in this
		 * block unless the break is the block's last byte; then the next block, which
		 * starts with this line again, finds it (to == seen there). */
		size_t start = (size_t)to - (size_t)ew_patterns[id].prefix;
		size_t limit = s->scan_len - start > WINDOW ? start + WINDOW : s->scan_len;
		if (to < s->seen || (size_t)to < (size_t)ew_patterns[id].prefix ||
		    !ew_verify_from(id, s->buf, limit, start, &c))
			return 0;
	} else {
		/* Ended in the part scanned last time: found then. */
		if (to <= s->seen)
			return 0;
		size_t ls, le;
		line_around(s->buf, s->scan_len, (size_t)to - 1, &ls, &le);
		/* Verified from before the line's start: a span may reach back over a break. */
		size_t from_at = ls > 2048 ? ls - 2048 : 0;
		if (!ew_verify(id, s->buf + from_at, le - from_at, (size_t)to - from_at, &c))
			return 0;
		c.start += from_at;
		c.end += from_at;
	}
	if (s->n_cands == CANDS_MAX) {
		s->overflow = true;
		return 0;
	}
	s->cands[s->n_cands++] = c;
	return 0;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct ew_cand *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* Eight bytes at a time: the mask has 0x80 in each byte where w holds a
 * line break (the classic has-zero-byte test, exact in this form). About three times faster
 * than a memchr() per line on log lines (bench/README.md). */
static size_t count_lines(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, nl = ones * '\n', low7 = ones * 0x7f;
	size_t k = 0, i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t x = w ^ nl;
		uint64_t hits = ~(((x & low7) + low7) | x | low7) >> 7; /* 1 per line break */
		k += (size_t)((hits * ones) >> 56); /* the bytes summed (at most 8: no carry) */
	}
	for (; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* Decides the candidates of each line and calls back with its hits. */
static void report(struct ew_scanner *s)
{
	struct ew_hit hits[HITS_PER_LINE];
	uint64_t line = s->line;
	size_t counted = 0;

	qsort(s->cands, s->n_cands, sizeof(*s->cands), cmp_cand);
	for (size_t i = 0; i < s->n_cands && !s->stop;) {
		size_t ls, le, k = i;
		line_around(s->buf, s->len, s->cands[i].start, &ls, &le);
		while (k < s->n_cands && s->cands[k].start < le)
			k++;
		/* A text broken across lines: the callback gets every line its span covers. */
		size_t reach = le;
		for (size_t c = i; c < k; c++)
			reach = s->cands[c].end > reach ? s->cands[c].end : reach;
		if (reach > le) {
			const char *nl = memchr(s->buf + reach - 1, '\n', s->scan_len - (reach - 1));
			le = nl ? (size_t)(nl - s->buf) : s->scan_len;
		}
		for (size_t c = i; c < k; c++) { /* offsets in the line from here on */
			s->cands[c].start -= ls;
			s->cands[c].end -= ls;
		}
		line += count_lines(s->buf + counted, ls - counted);
		counted = ls;
		size_t n = ew_decide(s->cands + i, k - i, s->buf + ls, le - ls, hits, HITS_PER_LINE);
		for (size_t h = 0; h < n && !s->stop; h++) {
			hits[h].line = line;
			hits[h].offset = s->base + ls + hits[h].start;
			s->stop = s->fn ? s->fn(&hits[h], s->buf + ls, le - ls, s->ctx) : 0;
		}
		i = k;
	}
	s->n_cands = 0;
}

/* Scans buf[0..cut), reports, and keeps the overlap and the rest for the next block. */
static int scan_block(struct ew_scanner *s, size_t cut)
{
	int r;

	s->overflow = false;
	s->scan_len = cut;
	r = ew_hs_scan(s->hs, s->scratch, s->buf, cut, on_match, s);
	report(s);
	if (r < 0)
		return r;
	/* The last line (at most OVERLAP of it) is scanned again with the next block. */
	size_t keep = cut > OVERLAP ? cut - OVERLAP : 0;
	const char *nl = cut > keep + 1 ? memrchr(s->buf + keep, '\n', cut - 1 - keep) : NULL;
	if (nl)
		keep = (size_t)(nl - s->buf) + 1;
	s->line += count_lines(s->buf, keep);
	s->base += keep;
	memmove(s->buf, s->buf + keep, s->len - keep);
	s->len -= keep;
	s->seen = cut - keep;
	return s->stop;
}

/* Where the block ends: after its last line break, or (one line longer than a block) at its
 * end. */
static size_t block_end(const struct ew_scanner *s)
{
	const char *nl = memrchr(s->buf + s->seen, '\n', s->len - s->seen);
	return nl ? (size_t)(nl - s->buf) + 1 : s->len;
}

int ew_scanner_feed(struct ew_scanner *s, const void *data, size_t n)
{
	const char *p = data;

	if (!s || (!data && n))
		return -EINVAL;
	while (n && !s->stop) {
		size_t room = OVERLAP + BLOCK - s->len;
		size_t take = n < room ? n : room;
		memcpy(s->buf + s->len, p, take);
		s->len += take;
		p += take;
		n -= take;
		if (s->len == OVERLAP + BLOCK) {
			int r = scan_block(s, block_end(s));
			if (r)
				return r;
		}
	}
	return s->stop;
}

int ew_scanner_end(struct ew_scanner *s)
{
	if (!s)
		return -EINVAL;
	if (s->len > s->seen && !s->stop)
		return scan_block(s, s->len);
	return s->stop;
}
