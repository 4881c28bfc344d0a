/* catalogc.h: what the parts of catalogc share: lint reporting, allocation that cannot fail,
 * and the Messages items (tools/messages.c) that the entry parser hands over. */
#ifndef CATALOGC_H
#define CATALOGC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

void lint(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
bool valid_source(const char *s);
/* s as a C string literal (NULL as NULL), for the generated tables. */
void put_cstr(FILE *out, const char *s);

/* The kinds of a Messages item: the key its first line starts with. */
enum msg_kind { MSG_PATTERN, MSG_NOT, MSG_FORM, MSG_MARKER, MSG_RESOLVER };

struct msg_item {
	enum msg_kind kind;
	const char *entry; /* the entry's name for pattern/not; NULL in forms.md */
	char *text;        /* the pattern, form, marker or resolver text */
	char *ecosystem, *example, *source;
	char *numbers;     /* forms with {n}: "linux darwin" */
	char *name;        /* resolver: the EAI_* name */
	const char *path;
	int line;
};

struct msg_items {
	struct msg_item *at;
	size_t n;
};

/* Reads the items of an entry's "## Messages" (entry set, forms false) or of forms.md (entry
 * NULL, forms true) from lines[*i] up to the next "## " heading (entries) or the end (forms.md,
 * whose headings group items), appending them to out and leaving *i after them. */
void msg_parse(const char *path, char **lines, size_t n_lines, size_t *i, const char *entry,
	       bool forms, struct msg_items *out);
/* The table ew_catalog_messages[] in the generated C file. */
void msg_put_c(FILE *out, const struct msg_items *items);

#endif
