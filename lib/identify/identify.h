/* identify.h: the parts of the recogniser (lib/identify/), inside liberrwhy only.
 * The database finds candidate matches fast; verify.c confirms each one on its line and reads
 * its placeholders; decide.c turns a line's matches into hits; context.c reads where the
 * error happened. */
#ifndef ERRWHY_IDENTIFY_H
#define ERRWHY_IDENTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "errwhy.h"
#include "patterns.h"

/* ---- the database (hs.c) ---- */
struct ew_hs;
/* Loads libhs_runtime and the compiled database once per process; NULL on failure, with the
 * reason in ew_identify_error(). */
const struct ew_hs *ew_hs_get(void);
typedef int (*ew_hs_match_fn)(unsigned id, unsigned long long from, unsigned long long to,
			      unsigned flags, void *ctx);
int ew_hs_scratch_new(const struct ew_hs *h, void **scratch);
void ew_hs_scratch_free(const struct ew_hs *h, void *scratch);
int ew_hs_scan(const struct ew_hs *h, void *scratch, const char *data, size_t n,
	       ew_hs_match_fn fn, void *ctx);

/* ---- one candidate, verified (verify.c) ---- */
struct ew_cand {
	unsigned pattern;    /* index in ew_patterns */
	size_t start, end;   /* the span in the line */
	long number;         /* {n}, or -1 */
	char name[32];       /* {name}, or "" */
};

/* Finds the span of pattern p that ends at end in s[0..n): the verified candidate, with word
 * boundaries and placeholders checked. False when the database's match does not hold. */
bool ew_verify(unsigned p, const char *s, size_t n, size_t end, struct ew_cand *out);
/* The same for a span known to start at start (a line-break pattern: its base pattern is
 * matched from there, on across the break); out->pattern is the base. */
bool ew_verify_from(unsigned p, const char *s, size_t n, size_t start, struct ew_cand *out);

/* ---- a line's candidates into hits (decide.c) ---- */
/* Makes at most max hits from the n candidates of one line (sorted by start); returns how
 * many. line is the line's text, for the context. */
size_t ew_decide(struct ew_cand *c, size_t n, const char *line, size_t len, struct ew_hit *out,
		 size_t max);

/* ---- context (context.c) ---- */
/* Reads port, address, path, syscall and pid from line, near the span [start, end). Fields
 * already set in ctx are kept. */
void ew_context_read(struct ew_context *ctx, const char *line, size_t len, size_t start,
		     size_t end);
void ew_context_clear(struct ew_context *ctx);
/* Sets file_op (and for a rename rename_to, with path the source) from the line's words
 * before start, else from syscall (context_file.c). Kept when already set. */
void ew_context_read_file_op(struct ew_context *ctx, const char *line, size_t len, size_t start);

void ew_identify_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
