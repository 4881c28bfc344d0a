/* check.h: the output properties the libFuzzer harnesses assert: what may reach a terminal
 * (no raw control of any kind) and what JSON must look like. A violation is abort(). */
#ifndef EW_FUZZ_CHECK_H
#define EW_FUZZ_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One strict UTF-8 character at s (n bytes left): its length, or 0 when invalid (overlong,
 * a surrogate, past U+10FFFF, cut short, a stray continuation byte). */
size_t fuzz_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);
bool fuzz_utf8_valid(const char *s, size_t n);

/* The first byte offset of s[0..n) a terminal must not get raw, or -1; *why says what it is:
 * a C0 control but '\n', DEL, C1 (U+0080-U+009F), a bidi control, invalid UTF-8. Serialised
 * JSON is held to the same (jansson escapes C0 in strings; a pretty dump has newlines). */
long fuzz_text_violation(const char *s, size_t n, const char **why);

/* Prints "PROPERTY VIOLATED: what: why at byte off" with the surrounding output escaped,
 * then the caller's hint (may be NULL), and aborts. */
_Noreturn void fuzz_violation(const char *what, const char *s, size_t n, long off, const char *why,
                              const char *hint);
_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Checks s as colour-off terminal text, or as serialised JSON, which must also parse back:
 * that returns the parsed value (the caller drops it). */
void fuzz_check_text(const char *what, const char *s, size_t n);
json_t *fuzz_check_json(const char *what, const char *s, size_t n);

/* The lossless JSON encoding of bytes that are not UTF-8: the text with U+FFFD for each byte
 * that is not part of a valid character, and the bytes as lowercase hex. Both malloc'd. */
char *fuzz_replaced(const char *s);
char *fuzz_hex(const char *s);

#endif
