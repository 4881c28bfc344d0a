/* headers.c: reading what a client sends: Accept-Encoding's q-values, If-None-Match's entity
 * tags, and the percent-escapes of the URL. Pure functions, tested through --selftest. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "serve.h"

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* A qvalue (RFC 9110 12.4.2: "0", "0.5", "1.000") in thousandths; -1 when malformed. */
static int parse_q(const char *p, const char *end)
{
	int q, digits = 0;

	if (p >= end || (*p != '0' && *p != '1'))
		return -1;
	q = (*p++ - '0') * 1000;
	if (p < end && *p == '.') {
		int scale = 100;
		for (p++; p < end && isdigit((unsigned char)*p) && digits < 3; p++, digits++) {
			q += (*p - '0') * scale;
			scale /= 10;
		}
	}
	p = skip_ows(p, end);
	return p == end && q <= 1000 ? q : -1;
}

/* The q of one list element "coding;q=0.5": 1000 when none is given. */
static int element_q(const char *params, const char *end)
{
	const char *p = params;

	while (p < end) {
		const char *next;
		p = skip_ows(p + 1, end); /* past the ';' */
		for (next = p; next < end && *next != ';'; next++)
			;
		if (next - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
			return parse_q(p + 2, next);
		p = next;
	}
	return 1000;
}

/* One element "name;q=0.5" of a list, [p, end): whether it names gzip (1), "*" (2) or
 * another coding (0), and its q in *q. */
static int element(const char *p, const char *end, int *q)
{
	const char *name = skip_ows(p, end), *name_end = name;
	size_t len;

	while (name_end < end && *name_end != ';')
		name_end++;
	*q = name_end < end ? element_q(name_end, end) : 1000;
	while (name_end > name && (name_end[-1] == ' ' || name_end[-1] == '\t'))
		name_end--;
	len = (size_t)(name_end - name);
	if ((len == 4 && strncasecmp(name, "gzip", 4) == 0) ||
	    (len == 6 && strncasecmp(name, "x-gzip", 6) == 0))
		return 1;
	return len == 1 && *name == '*' ? 2 : 0;
}

bool serve_accepts_gzip(const char *ae)
{
	int gzip = -1, star = -1;

	if (!ae)
		return false;
	for (const char *p = ae; *p;) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		int q, kind = element(p, end, &q);
		if (kind == 1)
			gzip = q > gzip ? q : gzip;
		else if (kind == 2)
			star = q;
		p = comma ? comma + 1 : end;
	}
	/* An explicit gzip decides; else "*" covers it (RFC 9110 12.5.3). */
	return gzip >= 0 ? gzip > 0 : star > 0;
}

bool serve_etag_matches(const char *inm, const char *etag)
{
	size_t elen = strlen(etag);

	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2; /* If-None-Match compares weakly */
		if (*p != '"')
			return false;
		const char *close = strchr(p + 1, '"');
		if (!close)
			return false;
		if ((size_t)(close + 1 - p) == elen && strncmp(p, etag, elen) == 0)
			return true;
		p = close + 1;
	}
	return false;
}

static int hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)tolower((unsigned char)ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* %00 stays "%00": a NUL would end the path early for every C string function after it, and
 * "/errno/EPERM%00.html" must not read as "/errno/EPERM". */
size_t serve_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s;

	(void)cls;
	(void)c;
	for (const char *r = s; *r; r++) {
		int hi, lo;
		if (*r == '%' && (hi = hex(r[1])) >= 0 && (lo = hex(r[2])) >= 0 && (hi | lo)) {
			*w++ = (char)(hi << 4 | lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}
