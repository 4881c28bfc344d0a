/* identify.c: the errors in one message, for `errwhy "<pasted text>"`. The scanner finds the
 * hits; the same error seen on several lines is one hit, its context taken from all of them
 * (PostgreSQL names the port on the line after the error). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "identify.h"

#define IDENTIFY_MAX 256 /* distinct errors kept from one message */

struct collect {
	struct ew_hit hits[IDENTIFY_MAX];
	size_t n;
	const char *text;
	size_t text_len;
};

bool ew_hit_same_error(const struct ew_hit *a, const struct ew_hit *b)
{
	return a->entry == b->entry;
}

static void fill(struct ew_context *into, const struct ew_context *from)
{
	if (into->port < 0 && from->port >= 0) {
		into->port = from->port;
		memcpy(into->address, from->address, sizeof(into->address));
	}
	/* What was done to a path goes with that path. */
	if (!into->file_op[0] && (!into->path[0] || strcmp(into->path, from->path) == 0)) {
		memcpy(into->file_op, from->file_op, sizeof(into->file_op));
		memcpy(into->rename_to, from->rename_to, sizeof(into->rename_to));
	}
	if (!into->path[0])
		memcpy(into->path, from->path, sizeof(into->path));
	if (!into->syscall[0])
		memcpy(into->syscall, from->syscall, sizeof(into->syscall));
	if (into->pid < 0)
		into->pid = from->pid;
}

static int on_hit(const struct ew_hit *h, const char *line, size_t len, void *ctx)
{
	struct collect *c = ctx;

	(void)line;
	(void)len;
	for (size_t i = 0; i < c->n; i++)
		if (ew_hit_same_error(&c->hits[i], h)) {
			fill(&c->hits[i].context, &h->context);
			if (!c->hits[i].ecosystem)
				c->hits[i].ecosystem = h->ecosystem;
			return 0;
		}
	if (c->n == IDENTIFY_MAX)
		return 0;
	c->hits[c->n] = *h;
	c->hits[c->n].start = (size_t)h->offset;
	c->n++;
	return 0;
}

/* What the other lines say: a port or path named anywhere in the message. */
static void fill_from_message(struct collect *c)
{
	struct ew_context whole;
	const char *p = c->text, *end = c->text + c->text_len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		ew_context_clear(&whole);
		ew_context_read(&whole, p, n, n, n);
		/* an operation belongs to its own line */
		whole.syscall[0] = whole.file_op[0] = whole.rename_to[0] = '\0';
		for (size_t i = 0; i < c->n; i++)
			fill(&c->hits[i].context, &whole);
		p += n + 1;
	}
}

size_t ew_identify(const char *text, size_t n, struct ew_hit *out, size_t max, size_t *total,
		   int *err)
{
	struct ew_scanner *s = NULL;
	struct collect *c;
	int r;

	if (total)
		*total = 0;
	if (err)
		*err = 0;
	if (!text)
		return 0;
	c = calloc(1, sizeof(*c));
	r = c ? ew_scanner_new(&s, on_hit, c) : -ENOMEM;
	if (r == 0) {
		c->text = text;
		c->text_len = n;
		r = ew_scanner_feed(s, text, n);
		if (r == 0)
			r = ew_scanner_end(s);
	}
	ew_scanner_free(s);
	if (r < 0) {
		if (err)
			*err = r;
		free(c);
		return 0;
	}
	if (n <= 1024 * 1024) /* a pasted message; a log is scanned, not identified */
		fill_from_message(c);
	size_t k = 0;
	for (; out && k < c->n && k < max; k++)
		out[k] = c->hits[k];
	if (total)
		*total = c->n;
	free(c);
	return k;
}
