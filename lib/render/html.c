/* html.c: STUB, replaced by the HTML renderer (issue 13). Pages are minimal placeholders so
 * that the server can be built against the API meanwhile. */
#include <errno.h>

#include "render.h"

int ew_render_html_index(struct ew_buf *b, enum ew_html_mode mode)
{
	if (!b || (unsigned)mode > EW_HTML_SITE)
		return -EINVAL;
	ew_buf_puts(b, "<!doctype html><title>All Linux / POSIX errors</title>\n");
	for (size_t i = 0; i < ew_entry_count(); i++)
		ew_buf_printf(b, "<a href=\"%serrno/%s%s\">%s</a>\n", mode ? "" : "/",
			      ew_entry_at(i)->name, mode ? ".html" : "", ew_entry_at(i)->name);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_html_entry(struct ew_buf *b, const struct ew_entry *e, enum ew_html_mode mode)
{
	if (!b || !e || (unsigned)mode > EW_HTML_SITE)
		return -EINVAL;
	ew_buf_printf(b, "<!doctype html><title>%s</title><h1>%s</h1>\n", e->name, e->name);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_html_search(struct ew_buf *b, const struct ew_answer *a)
{
	if (!b || !a)
		return -EINVAL;
	ew_buf_puts(b, "<!doctype html><title>Search</title>\n");
	for (size_t i = 0; i < a->n; i++)
		if (a->matches[i].entry)
			ew_buf_printf(b, "<a href=\"/errno/%s\">%s</a>\n", a->matches[i].entry->name,
				      a->matches[i].entry->name);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_html_not_found(struct ew_buf *b, const char *path, size_t len,
			     enum ew_html_mode mode)
{
	(void)path;
	(void)len;
	if (!b || (unsigned)mode > EW_HTML_SITE)
		return -EINVAL;
	ew_buf_puts(b, "<!doctype html><title>Not found</title><h1>Not found</h1>\n");
	return b->failed ? -ENOMEM : 0;
}

size_t ew_asset_count(void)
{
	return 0;
}

const struct ew_asset *ew_asset_at(size_t index)
{
	(void)index;
	return NULL;
}
