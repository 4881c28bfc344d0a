/* buf.c: the growable output string that every renderer writes into. A failed allocation is
 * remembered in the buffer rather than checked at every call site. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errwhy.h"

void ew_buf_init(struct ew_buf *b)
{
	if (!b)
		return;
	*b = (struct ew_buf){0};
}

void ew_buf_free(struct ew_buf *b)
{
	if (!b)
		return;
	free(b->data);
	ew_buf_init(b);
}

/* Makes room for n more bytes and a terminating NUL. */
static bool reserve(struct ew_buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return false;
	if (n > SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return false;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < want)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

/* A NULL buffer or string is a no-op, so that a caller's missing field costs a missing line,
 * not a crash (the contract in errwhy.h). */
void ew_buf_append(struct ew_buf *b, const char *s, size_t n)
{
	if (!b || !s)
		return;
	/* reserve() only when there is not room already: it is most of what a short append
	 * costs. */
	if (b->failed || (n >= b->cap - b->len && !reserve(b, n)))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ew_buf_puts(struct ew_buf *b, const char *s)
{
	if (s)
		ew_buf_append(b, s, strlen(s));
}

/* The character goes straight in while there is room (and room for the NUL after it): a page
 * puts a space between every two words, and the general path cost seventy instructions each. */
void ew_buf_putc(struct ew_buf *b, char c)
{
	if (b && !b->failed && b->cap - b->len >= 2) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	ew_buf_append(b, &c, 1);
}

/* Formats straight into the room the buffer has, and only text that does not fit is formatted
 * a second time, after the buffer grew: most calls format once (measuring every text first
 * made printf half of what errwhy -l costs). */
void ew_buf_vprintf(struct ew_buf *b, const char *fmt, va_list ap)
{
	size_t room;
	va_list again;
	int n;

	if (!b || !fmt || b->failed)
		return;
	room = b->cap - b->len;
	va_copy(again, ap);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, again);
	va_end(again);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
		return;
	}
	/* What did not fit was written in part over the terminating NUL: put it back, so that
	 * a failure below leaves the contents as they were. */
	if (room)
		b->data[b->len] = '\0';
	if (n < 0 || !reserve(b, (size_t)n)) {
		b->failed = true;
		return;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ew_buf_printf(struct ew_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ew_buf_vprintf(b, fmt, ap);
	va_end(ap);
}
