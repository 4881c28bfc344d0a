/* escape.c: the one way outside data (process names, command lines, cgroup paths, user names,
 * queries, log text) reaches a terminal: anything that could act on it is shown as an escape.
 * Every renderer and the command use it, so one set of rules holds everywhere. */
#include <stdint.h>
#include <stdio.h>

#include "render.h"

size_t ew_utf8_char(const char *text, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len;
	uint32_t c;
	unsigned char lo = 0x80, hi = 0xBF; /* the allowed range of the second byte */

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	/* The well-formed sequences of Unicode's table 3-7: no overlong forms (C0, C1, E0 80..9F,
	 * F0 80..8F), no surrogates (ED A0..BF), nothing above U+10FFFF (F4 90.., F5..FF). */
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2, c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3, c = s[0] & 0x0F;
		if (s[0] == 0xE0)
			lo = 0xA0;
		else if (s[0] == 0xED)
			hi = 0x9F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4, c = s[0] & 0x07;
		if (s[0] == 0xF0)
			lo = 0x90;
		else if (s[0] == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return len;
}

bool ew_utf8_valid(const char *s, size_t n)
{
	uint32_t cp;

	for (size_t i = 0, k; i < n; i += k)
		if ((k = ew_utf8_char(s + i, n - i, &cp)) == 0)
			return false;
	return true;
}

bool ew_codepoint_unsafe(uint32_t cp)
{
	/* C0, DEL and C1 controls; bidirectional marks, embeddings, overrides and isolates,
	 * which can make a name read backwards; the line and paragraph separators. */
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
	       cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x2028 || cp == 0x2029;
}

size_t ew_buf_append_escaped(struct ew_buf *b, const char *s, size_t n, size_t max_chars)
{
	size_t i = 0, chars = 0;

	if (!b || !s)
		return 0;
	while (i < n && chars < max_chars) {
		uint32_t cp = 0;
		size_t k, run = 0;

		/* Printable ASCII, most of any text, goes out as one run. */
		while (i + run < n && chars + run < max_chars && (unsigned char)s[i + run] >= 0x20 &&
		       (unsigned char)s[i + run] < 0x7F)
			run++;
		if (run) {
			ew_buf_append(b, s + i, run);
			i += run;
			chars += run;
			continue;
		}
		k = ew_utf8_char(s + i, n - i, &cp);

		if (k == 0) {
			/* Not UTF-8: the byte itself, visibly. */
			ew_buf_printf(b, "\\x%02x", (unsigned char)s[i]);
			k = 1;
		} else if (cp == '\n') {
			ew_buf_puts(b, "\\n");
		} else if (cp == '\t') {
			ew_buf_puts(b, "\\t");
		} else if (cp == '\r') {
			ew_buf_puts(b, "\\r");
		} else if (ew_codepoint_unsafe(cp) && k == 1) {
			ew_buf_printf(b, "\\x%02x", (unsigned)cp);
		} else if (ew_codepoint_unsafe(cp)) {
			ew_buf_printf(b, "\\u%04x", (unsigned)cp);
		} else {
			ew_buf_append(b, s + i, k);
		}
		i += k;
		chars++;
	}
	return i;
}

void ew_buf_put_escaped(struct ew_buf *b, const char *s)
{
	size_t n = 0;

	if (!s)
		return;
	while (s[n])
		n++;
	ew_buf_append_escaped(b, s, n, SIZE_MAX);
}
