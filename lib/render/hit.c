/* hit.c: how a recognised error in text is shown: its context as words ("port 3000, address
 * ::, listen"), the "Recognised ..." line, and the JSON of one hit (a line of `errwhy scan
 * --json`, the "context" object of a page). Everything in a hit came from outside: escaped. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json.h"
#include "render.h"

/* Text from a message, made printable and valid UTF-8 (a JSON string must be). */
static json_t *outside_string(const char *s, size_t n)
{
	struct ew_buf b;
	json_t *j;

	ew_buf_init(&b);
	ew_buf_append_escaped(&b, s, n, 4096);
	j = b.failed ? NULL : json_string(b.data ? b.data : "");
	ew_buf_free(&b);
	return j;
}

json_t *ew_context_json(const struct ew_context *c)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	if (ok && c->port >= 0)
		ok = ew_json_set(o, "port", json_integer(c->port));
	if (ok && c->address[0])
		ok = ew_json_set(o, "address", outside_string(c->address, strlen(c->address)));
	if (ok && c->path[0])
		ok = ew_json_set(o, "path", outside_string(c->path, strlen(c->path)));
	if (ok && c->syscall[0])
		ok = ew_json_set(o, "syscall", outside_string(c->syscall, strlen(c->syscall)));
	if (ok && c->file_op[0])
		ok = ew_json_set(o, "operation", json_string(c->file_op));
	if (ok && c->rename_to[0])
		ok = ew_json_set(o, "rename_to", outside_string(c->rename_to, strlen(c->rename_to)));
	if (ok && c->pid >= 0)
		ok = ew_json_set(o, "pid", json_integer(c->pid));
	return ew_json_ok(o, ok);
}

int ew_render_hit_context(struct ew_buf *b, const struct ew_hit *h)
{
	const struct ew_context *c;
	bool first = true;

	if (!b || !h)
		return -EINVAL;
	c = &h->context;
#define SEP() (first ? (void)(first = false) : ew_buf_puts(b, ", "))
	if (c->port >= 0) {
		SEP();
		ew_buf_printf(b, "port %d", c->port);
	}
	if (c->address[0]) {
		SEP();
		ew_buf_puts(b, "address ");
		ew_buf_put_escaped(b, c->address);
	}
	if (c->path[0]) {
		SEP();
		ew_buf_puts(b, "path ");
		ew_buf_put_escaped(b, c->path);
		if (c->rename_to[0]) {
			ew_buf_puts(b, " to ");
			ew_buf_put_escaped(b, c->rename_to);
		}
	}
	if (c->syscall[0]) {
		SEP();
		ew_buf_put_escaped(b, c->syscall);
	}
	if (c->pid >= 0) {
		SEP();
		ew_buf_printf(b, "pid %ld", c->pid);
	}
#undef SEP
	return b->failed ? -ENOMEM : 0;
}

int ew_render_hit_line(struct ew_buf *b, const struct ew_hit *h)
{
	size_t before;

	if (!b || !h || !h->name)
		return -EINVAL;
	ew_buf_puts(b, "Recognised ");
	/* An exit status is a bare number: say what kind. */
	if (h->entry && h->entry->family == EW_FAMILY_EXIT)
		ew_buf_puts(b, "exit status ");
	ew_buf_puts(b, h->name);
	if (h->ecosystem) {
		ew_buf_puts(b, " (");
		ew_buf_puts(b, h->ecosystem);
		ew_buf_puts(b, ")");
	}
	if (h->system >= 0)
		ew_buf_printf(b, " as %s's %ld", ew_system_label((enum ew_system)h->system),
			      h->number);
	if (h->lang)
		ew_buf_printf(b, " in glibc's %s text", h->lang);
	ew_buf_puts(b, ": ");
	before = b->len;
	ew_render_hit_context(b, h);
	if (b->len == before && !b->failed) /* no context to tell: drop the ": " */
		b->len -= 2;
	if (b->data)
		b->data[b->len] = '\0';
	ew_buf_putc(b, '\n');
	return b->failed ? -ENOMEM : 0;
}

int ew_render_hit_json(struct ew_buf *b, const struct ew_hit *h, const char *line, size_t len,
		       const char *file)
{
	json_t *o;
	bool ok;

	if (!b || !h || !h->name || (!line && len))
		return -EINVAL;
	o = json_object();
	ok = o != NULL;
	if (ok && file) /* a file name is any bytes: escaped like the rest */
		ok = ew_json_set(o, "file", outside_string(file, strlen(file)));
	ok = ok && ew_json_set(o, "line", json_integer((json_int_t)h->line)) &&
	     ew_json_set(o, "family", json_string(h->family)) &&
	     ew_json_set(o, "name", json_string(h->name));
	if (ok && h->start <= len)
		ok = ew_json_set(o, "text", outside_string(line + h->start,
							   h->len < len - h->start ? h->len
										   : len - h->start));
	ok = ok && ew_json_set(o, "how", json_string(h->how));
	if (ok && h->ecosystem)
		ok = ew_json_set(o, "ecosystem", json_string(h->ecosystem));
	if (ok && h->system >= 0)
		ok = ew_json_set(o, "system", json_string(ew_system_key((enum ew_system)h->system)));
	if (ok && h->number >= 0)
		ok = ew_json_set(o, "number", json_integer(h->number));
	if (ok && h->lang)
		ok = ew_json_set(o, "lang", json_string(h->lang));
	ok = ok && ew_json_set(o, "context", ew_context_json(&h->context));
	return ew_json_dump(b, ew_json_ok(o, ok), false);
}
