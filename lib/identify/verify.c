/* verify.c: confirms a candidate the database reported, on its line. The database matches
 * without word boundaries and cannot read numbers; here a pattern's template is matched again
 * at the reported end, its boundaries checked and its {n} and {name} read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "identify.h"

/* How far back a span may start from its end: longer than any pattern with its spaces. */
#define SPAN_MAX 1024

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Whether the pattern's {name} is an errno name (E...), as in every form but another
 * family's (a signal's KILL, systemd's EXEC). */
static bool errno_names(const struct ew_pattern *pat)
{
	return pat->message < 0 || !ew_catalog_messages[pat->message].family;
}

/* Matches template t at s[pos..n); returns the end, or SIZE_MAX. */
static size_t match_at(const char *t, bool errno_name, const char *s, size_t n, size_t pos,
		       struct ew_cand *c)
{
	size_t i = pos;

	while (*t) {
		if (strncmp(t, "{n}", 3) == 0) {
			size_t d = 0;
			long v = 0;
			while (i + d < n && d < 7 && s[i + d] >= '0' && s[i + d] <= '9')
				v = v * 10 + (s[i + d++] - '0');
			if (d == 0 || d > 6)
				return SIZE_MAX;
			c->number = v;
			i += d;
			t += 3;
		} else if (strncmp(t, "{name}", 6) == 0) {
			size_t k = 0;
			while (i + k < n && k < sizeof(c->name) - 1 &&
			       (is_alnum((unsigned char)s[i + k]) || (!errno_name && s[i + k] == '_')))
				k++;
			if (k < 2 || (errno_name && lower((unsigned char)s[i]) != 'e'))
				return SIZE_MAX;
			memcpy(c->name, s + i, k);
			c->name[k] = '\0';
			i += k;
			t += 6;
		} else if (*t == ' ') {
			if (i >= n || !is_space((unsigned char)s[i]))
				return SIZE_MAX;
			while (i < n && is_space((unsigned char)s[i]))
				i++;
			t += strspn(t, " ");
		} else {
			if (i >= n || lower((unsigned char)s[i]) != lower((unsigned char)*t))
				return SIZE_MAX;
			i++;
			t++;
		}
	}
	return i;
}

static bool starts_word(const char *t)
{
	return *t == '{' || is_alnum((unsigned char)*t);
}

static bool ends_word(const char *t)
{
	size_t n = strlen(t);
	return n && (t[n - 1] == '}' || is_alnum((unsigned char)t[n - 1]));
}

/* A name is written all upper case (EADDRINUSE) or all lower case (Erlang's eaddrinuse);
 * "Edom" or "Enoent" in prose is a word, not an errno. */
static bool one_case(const char *s, size_t n)
{
	bool up = false, low = false;
	for (size_t i = 0; i < n; i++) {
		up |= s[i] >= 'A' && s[i] <= 'Z';
		low |= s[i] >= 'a' && s[i] <= 'z';
	}
	return !(up && low);
}

/* The boundaries and case rules around a span the template matched. */
static bool holds(const struct ew_pattern *pat, const char *s, size_t n, size_t start,
		  size_t end)
{
	if (starts_word(ew_pattern_text(pat)) && start > 0 && is_alnum((unsigned char)s[start - 1]))
		return false;
	if (ends_word(ew_pattern_text(pat)) && end < n && is_alnum((unsigned char)s[end]))
		return false;
	return pat->kind != EW_PAT_NAME || one_case(s + start, end - start);
}

bool ew_verify_from(unsigned p, const char *s, size_t n, size_t start, struct ew_cand *out)
{
	const struct ew_pattern *pat = &ew_patterns[p];
	struct ew_cand c = {.pattern = pat->base >= 0 ? (unsigned)pat->base : p, .number = -1};
	size_t end = match_at(ew_pattern_text(pat), errno_names(pat), s, n, start, &c);

	if (end == SIZE_MAX || !holds(pat, s, n, start, end))
		return false;
	c.start = start;
	c.end = end;
	*out = c;
	return true;
}

bool ew_verify(unsigned p, const char *s, size_t n, size_t end, struct ew_cand *out)
{
	const struct ew_pattern *pat = &ew_patterns[p];
	size_t lo = end > SPAN_MAX ? end - SPAN_MAX : 0;

	if (end > n)
		return false;
	for (size_t start = end; start-- > lo;) {
		struct ew_cand c = {.pattern = p, .number = -1};
		if (match_at(ew_pattern_text(pat), errno_names(pat), s, n, start, &c) != end)
			continue;
		if (!holds(pat, s, n, start, end))
			return false;
		c.start = start;
		c.end = end;
		*out = c;
		return true;
	}
	return false;
}
