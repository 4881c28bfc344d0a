/* check.c: the properties of tests/fuzz/check.h: strict UTF-8 decoding and the scans for raw
 * control characters in text and JSON output, with a message that says where. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

size_t fuzz_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	uint32_t c;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong below */
		if (s[0] == 0xed)
			hi = 0x9f; /* U+D800..U+DFFF: surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;
		if (s[0] == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0; /* 0x80..0xc1 (continuation, overlong), 0xf5..0xff */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

bool fuzz_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t k = fuzz_utf8_next(u + i, n - i, &cp);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

static bool is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	       cp == 0x200f || cp == 0x061c;
}

long fuzz_text_violation(const char *s, size_t n, const char **why)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t k = fuzz_utf8_next(u + i, n - i, &cp);
		if (!k)
			*why = "invalid UTF-8";
		else if (cp == '\n')
			*why = NULL;
		else if (cp < 0x20)
			*why = "a raw C0 control character";
		else if (cp == 0x7f)
			*why = "a raw DEL";
		else if (cp >= 0x80 && cp <= 0x9f)
			*why = "a raw C1 control character (U+0080-U+009F)";
		else if (is_bidi(cp))
			*why = "a raw bidirectional control character";
		else
			*why = NULL;
		if (*why)
			return (long)i;
		i += k;
	}
	return -1;
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("PROPERTY VIOLATED: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void fuzz_violation(const char *what, const char *s, size_t n, long off, const char *why,
                    const char *hint)
{
	size_t from = off > 40 ? (size_t)off - 40 : 0,
	       to = (size_t)off + 40 < n ? (size_t)off + 40 : n;

	fprintf(stderr, "PROPERTY VIOLATED: %s: %s at byte %ld (0x%02x) of %zu; around it: \"",
	        what, why, off, (unsigned char)s[off], n);
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == (size_t)off)
			fputs(">>>", stderr);
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs("\"\n", stderr);
	if (hint)
		fprintf(stderr, "  %s\n", hint);
	abort();
}

void fuzz_check_text(const char *what, const char *s, size_t n)
{
	const char *why;
	long off = fuzz_text_violation(s, n, &why);

	if (off >= 0)
		fuzz_violation(what, s, n, off, why, NULL);
}

json_t *fuzz_check_json(const char *what, const char *s, size_t n)
{
	json_error_t err;
	json_t *v;

	fuzz_check_text(what, s, n);
	v = json_loadb(s, n, 0, &err);
	if (!v)
		fuzz_fail("%s: does not parse back: %s (line %d, column %d): %.*s", what, err.text,
		          err.line, err.column, (int)(n < 400 ? n : 400), s);
	return v;
}

char *fuzz_replaced(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;
	char *out = malloc(3 * n + 1);
	uint32_t cp;

	if (!out)
		abort();
	for (size_t i = 0; i < n;) {
		size_t k = fuzz_utf8_next(u + i, n - i, &cp);
		if (k) {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

char *fuzz_hex(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(2 * n + 1);

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned char)s[i]);
	out[2 * n] = '\0';
	return out;
}
