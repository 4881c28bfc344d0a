/* render.h: what the renderers in lib/render/ share inside liberrwhy: word wrapping with
 * inline markup, and the ANSI styles. */
#ifndef ERRWHY_RENDER_H
#define ERRWHY_RENDER_H

#include <stdint.h>

#include "errwhy.h"

#define EW_ANSI_BOLD "\033[1m"
#define EW_ANSI_NOBOLD "\033[22m"
#define EW_ANSI_CODE "\033[36m"
#define EW_ANSI_HEAD "\033[1;34m"
#define EW_ANSI_NAME "\033[1;31m"
#define EW_ANSI_DIM "\033[2m"
#define EW_ANSI_RESET "\033[0m"

/* Appends s, or s wrapped in an ANSI style when colour is on. */
void ew_styled(struct ew_buf *b, const char *style, const char *s, bool color);

/* Appends prose, wrapped to st->width: the first line indented by first, the others by rest;
 * paragraphs (separated by a blank line in text) stay apart. Inline markup: `code` is
 * coloured on a terminal and keeps its backticks elsewhere; **bold** is bold or plain. */
void ew_wrap(struct ew_buf *b, const char *text, unsigned first, unsigned rest,
	     const struct ew_text_style *st);

/* The same, for a cursor already at column col (after a label such as "When:"). */
void ew_wrap_at(struct ew_buf *b, const char *text, unsigned col, unsigned rest,
		const struct ew_text_style *st);

/* Appends text wrapped to width at its spaces, with no inline markup: for sentences that
 * carry outside data (escaped first). The first line is indented by first, the others by rest. */
void ew_wrap_plain(struct ew_buf *b, const char *text, unsigned first, unsigned rest,
		   unsigned width);

/* Appends verbatim text (code, command output), every line indented by indent. */
void ew_indent_block(struct ew_buf *b, const char *text, unsigned indent, const char *prefix);

/* The length of the well-formed UTF-8 character at s[0..n) with its code point in *cp, or 0
 * when s does not start with one (lib/render/escape.c). */
size_t ew_utf8_char(const char *s, size_t n, uint32_t *cp);
bool ew_utf8_valid(const char *s, size_t n);
/* Whether a code point must not reach a terminal raw: controls, bidi marks, separators. */
bool ew_codepoint_unsafe(uint32_t cp);

#endif
