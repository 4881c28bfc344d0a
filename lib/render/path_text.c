/* path_text.c: a path report in words: the components as a table (one row per component the
 * walk reached), the verdict line, and how the kernel confirmed it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../diagnose/path.h"
#include "render.h"

#define PATH_COLUMN_MAX 48 /* longer paths run past their column rather than widen it */

/* One cell of the table: its escaped text in a buffer shared by all cells (one buffer, not
 * one each: a buffer starts at 4 KiB), and its width as shown. */
struct cell {
	size_t at, len;
	size_t width; /* in characters (an escape is ASCII, a byte each) */
};

static void cell_set(struct ew_buf *all, struct cell *c, const char *s)
{
	c->at = all->len;
	ew_buf_put_escaped(all, s ? s : "?");
	c->len = all->len - c->at;
	c->width = 0;
	for (size_t i = c->at; all->data && i < all->len; i++)
		c->width += ((unsigned char)all->data[i] & 0xC0) != 0x80;
}

static void put_cell(struct ew_buf *b, const struct ew_buf *all, const struct cell *c,
		     size_t width)
{
	if (all->data)
		ew_buf_append(b, all->data + c->at, c->len);
	for (size_t i = c->width; i < width; i++)
		ew_buf_putc(b, ' ');
}

static void mount_cell(struct ew_buf *b, const struct ew_path_mount *mt)
{
	char words[96];

	ew_path_mount_words(mt, words, sizeof(words));
	ew_buf_puts(b, "  on ");
	ew_buf_put_escaped(b, mt->target);
	ew_buf_puts(b, " (");
	ew_buf_put_escaped(b, words);
	ew_buf_putc(b, ')');
}

static void row(struct ew_buf *b, const struct ew_path_component *c, const struct ew_buf *all,
		const struct cell cells[3], const size_t widths[3], bool show_mount)
{
	char mode[11];

	ew_path_mode_string(c->mode, mode);
	ew_buf_puts(b, "  ");
	put_cell(b, all, &cells[0], widths[0]);
	ew_buf_printf(b, "  %-7s  %s%c  ", ew_path_type_key(c->mode), mode, c->acl ? '+' : ' ');
	put_cell(b, all, &cells[1], widths[1]);
	ew_buf_puts(b, "  ");
	put_cell(b, all, &cells[2], widths[2]);
	if (c->target) {
		ew_buf_puts(b, "  -> ");
		ew_buf_put_escaped(b, c->target);
	}
	if (c->immutable)
		ew_buf_puts(b, "  immutable");
	if (c->append_only)
		ew_buf_puts(b, "  append-only");
	if (show_mount && c->mount)
		mount_cell(b, c->mount);
	/* The padding of the last column is not left at the end of a line. */
	while (!b->failed && b->len && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	ew_buf_putc(b, '\n');
}

static int table(struct ew_buf *b, const struct ew_path_report *r)
{
	size_t widths[3] = {0};
	struct cell *cells = calloc(r->n_components * 3 + 1, sizeof(*cells));
	struct ew_buf all;

	if (!cells)
		return -ENOMEM;
	ew_buf_init(&all);
	for (size_t i = 0; i < r->n_components; i++) {
		const struct ew_path_component *c = &r->components[i];
		cell_set(&all, &cells[3 * i], c->path);
		cell_set(&all, &cells[3 * i + 1], c->owner);
		cell_set(&all, &cells[3 * i + 2], c->group);
		for (size_t k = 0; k < 3; k++)
			if (cells[3 * i + k].width > widths[k])
				widths[k] = cells[3 * i + k].width;
	}
	if (widths[0] > PATH_COLUMN_MAX)
		widths[0] = PATH_COLUMN_MAX;
	for (size_t i = 0; i < r->n_components && !all.failed; i++) {
		const struct ew_path_mount *prev = i ? r->components[i - 1].mount : NULL;
		row(b, &r->components[i], &all, &cells[3 * i], widths,
		    r->components[i].mount != prev);
	}
	if (all.failed)
		b->failed = true;
	ew_buf_free(&all);
	free(cells);
	return 0;
}

int ew_render_path_verdict(struct ew_buf *b, const struct ew_path_report *r)
{
	if (!b || !r)
		return -EINVAL;
	ew_buf_printf(b, "%s: ", ew_path_verdict_key(r));
	ew_buf_put_escaped(b, r->reason);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_path_text(struct ew_buf *b, const struct ew_path_report *r,
			const struct ew_text_style *st)
{
	(void)st;
	if (!b || !r)
		return -EINVAL;
	ew_buf_printf(b, "%s ", ew_path_op_key(r->op));
	ew_buf_put_escaped(b, r->path);
	if (r->rename_to) {
		ew_buf_puts(b, " to ");
		ew_buf_put_escaped(b, r->rename_to);
	}
	ew_buf_puts(b, " as ");
	if (r->user) {
		ew_buf_put_escaped(b, r->user);
		ew_buf_printf(b, " (uid %u)", r->uid);
	} else {
		ew_buf_printf(b, "uid %u", r->uid);
	}
	ew_buf_puts(b, r->for_caller ? ", errwhy's own credentials\n" : "\n");
	if (table(b, r) < 0)
		return -ENOMEM;
	if (r->mount_error)
		ew_buf_printf(b, "  (no mounts shown: /proc/self/mountinfo: %s)\n",
			      strerror(-r->mount_error));
	ew_render_path_verdict(b, r);
	ew_buf_putc(b, '\n');
	if (r->confirmed)
		ew_buf_puts(b, "confirmed: ");
	else if (r->kernel >= 0)
		ew_buf_puts(b, "the kernel disagreed with the modes: ");
	ew_buf_put_escaped(b, r->confirmation);
	ew_buf_putc(b, '\n');
	return b->failed ? -ENOMEM : 0;
}
