/* messages.c: the Messages items of catalogc: an entry's "## Messages" and catalog/forms.md.
 * Format and meaning in catalog/README.md ("Messages: how errwhy recognises an error in
 * text"). Items are checked here and written out as one table for tools/patternc. */
#include <stdlib.h>
#include <string.h>

#include "catalogc.h"

static const char *const kind_keys[] = {
	[MSG_PATTERN] = "pattern", [MSG_NOT] = "not", [MSG_FORM] = "form",
	[MSG_MARKER] = "marker",
};

/* The systems a form's {n} may be read on: "linux" and the numbers table's columns. */
static const char *const number_systems[] = {
	"linux", "darwin", "freebsd", "openbsd", "windows_wsa", "windows_crt",
	"linux_alpha", "linux_mips", "linux_parisc", "linux_sparc",
};

#define ECOSYSTEM_MAX 32

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* "key: value" -> value, when line (after its "- " or "  ") starts with key. */
static const char *value_of(const char *line, const char *key)
{
	size_t n = strlen(key);
	return strncmp(line, key, n) == 0 && line[n] == ':' && line[n + 1] == ' ' ? line + n + 2
										   : NULL;
}

/* Placeholders are {n} and {name}; any other brace is a typo. Returns how many there are. */
static int check_placeholders(const struct msg_item *m)
{
	int count = 0;
	for (const char *s = m->text; (s = strchr(s, '{')); s++) {
		if (has_prefix(s, "{n}") || has_prefix(s, "{name}"))
			count++;
		else
			lint(m->path, m->line, "unknown placeholder at '%.12s': use {n} or {name}", s);
	}
	if (strchr(m->text, '}') && !count)
		lint(m->path, m->line, "a '}' without its placeholder");
	return count;
}

static void check_numbers(const struct msg_item *m)
{
	char *copy = xstrdup(m->numbers), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		bool known = false;
		for (size_t k = 0; k < sizeof(number_systems) / sizeof(*number_systems); k++)
			known |= strcmp(w, number_systems[k]) == 0;
		if (!known)
			lint(m->path, m->line, "numbers: unknown system '%s'", w);
	}
	free(copy);
}

/* A form of another family reads its numbers on Linux only (those families' numbers on
 * other systems are not what programs print), and only a form has a family. */
static void check_family(const struct msg_item *m)
{
	if (!m->family)
		return;
	if (m->kind != MSG_FORM)
		lint(m->path, m->line, "'family:' belongs to form: items");
	else if (!family_find(m->family) || strcmp(m->family, "errno") == 0)
		lint(m->path, m->line, "family: '%s' is not signal, exit, resolver or kernel "
		     "(leave it out for errno)", m->family);
	else if (m->numbers)
		lint(m->path, m->line, "a %s form reads Linux numbers: no 'numbers:'", m->family);
}

static void check_item(const struct msg_item *m, bool forms)
{
	int holes = check_placeholders(m);

	if (!forms && m->kind != MSG_PATTERN && m->kind != MSG_NOT)
		lint(m->path, m->line, "an entry's Messages hold pattern: and not: items");
	if (forms && (m->kind == MSG_PATTERN || m->kind == MSG_NOT))
		lint(m->path, m->line, "forms.md holds form: and marker: items");
	if (m->kind == MSG_FORM && !holes)
		lint(m->path, m->line, "a form needs {n} or {name}; without, it is a marker:");
	check_family(m);
	if (m->kind == MSG_FORM && !m->family && strstr(m->text, "{n}") && !m->numbers)
		lint(m->path, m->line, "a form with {n} needs 'numbers:'");
	if (m->numbers)
		check_numbers(m);
	if (!m->ecosystem || !m->example || !m->source)
		lint(m->path, m->line, "an item needs ecosystem:, example: and source:");
	if (m->ecosystem && strlen(m->ecosystem) > ECOSYSTEM_MAX)
		lint(m->path, m->line, "ecosystem is longer than %d bytes", ECOSYSTEM_MAX);
	if (m->source && !has_prefix(m->source, "https://") &&
	    !has_prefix(m->source, "produced here: ") && !valid_source(m->source))
		lint(m->path, m->line, "source must be https://..., page(section), <header.h> "
				       "or 'produced here: COMMAND'");
	if (m->text[0] == ' ' || m->text[strlen(m->text) - 1] == ' ' || !m->text[0])
		lint(m->path, m->line, "the %s is empty or has spaces around it", kind_keys[m->kind]);
}

/* Stores one "key: value" line of the item m; false when the key is not one of ours. */
static bool set_key(struct msg_item *m, const char *line)
{
	static const char *const keys[] = {"ecosystem", "example", "source", "numbers", "family"};
	char **slots[] = {&m->ecosystem, &m->example, &m->source, &m->numbers, &m->family};

	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
		const char *v = value_of(line, keys[k]);
		if (!v)
			continue;
		if (*slots[k])
			lint(m->path, m->line, "'%s:' given twice", keys[k]);
		free(*slots[k]);
		*slots[k] = xstrdup(v);
		return true;
	}
	return false;
}

/* Starts an item from its "- kind: text" line; false when the line is no such start. */
static bool start_item(struct msg_item *m, const char *line)
{
	for (size_t k = 0; k < sizeof(kind_keys) / sizeof(*kind_keys); k++) {
		const char *v = value_of(line, kind_keys[k]);
		if (v) {
			m->kind = (enum msg_kind)k;
			m->text = xstrdup(v);
			return true;
		}
	}
	return false;
}

static void push(struct msg_items *out, struct msg_item *m, bool forms)
{
	if (!m->text)
		return;
	check_item(m, forms);
	out->at = xrealloc(out->at, (out->n + 1) * sizeof(*out->at));
	out->at[out->n++] = *m;
	*m = (struct msg_item){0};
}

void msg_parse(const char *path, char **lines, size_t n_lines, size_t *i, const char *entry,
	       bool forms, struct msg_items *out)
{
	struct msg_item m = {0};
	size_t before = out->n;

	for (; *i < n_lines; (*i)++) {
		const char *l = lines[*i];
		if (has_prefix(l, "## ") && !forms)
			break;
		if (has_prefix(l, "- ")) {
			push(out, &m, forms);
			m = (struct msg_item){.entry = entry, .path = path, .line = (int)*i + 1};
			if (!start_item(&m, l + 2))
				lint(path, (int)*i + 1, "an item starts with '- pattern:', '- not:', "
							"'- form:' or '- marker:'");
		} else if (has_prefix(l, "  ") && m.text) {
			if (!set_key(&m, l + 2))
				lint(path, (int)*i + 1, "unknown key: items have ecosystem:, example:, "
							"source: (and numbers:, family:)");
		} else if (l[0] && !forms) {
			lint(path, (int)*i + 1, "Messages: expected a '- ' item");
		} else if (l[0] && !has_prefix(l, "#")) {
			push(out, &m, forms); /* prose between the groups of forms.md */
		}
	}
	push(out, &m, forms);
	if (out->n == before)
		lint(path, (int)*i, "Messages: no items");
}

void msg_put_c(FILE *out, struct blob *b, const struct msg_items *items)
{
	static const char *const kinds[] = {
		[MSG_PATTERN] = "EW_MSG_PATTERN", [MSG_NOT] = "EW_MSG_NOT",
		[MSG_FORM] = "EW_MSG_FORM", [MSG_MARKER] = "EW_MSG_MARKER",
	};

	fprintf(out, "const struct ew_message ew_catalog_messages[%zu] = {\n", items->n + 1);
	for (size_t k = 0; k < items->n; k++) {
		const struct msg_item *m = &items->at[k];
		const char *fields[] = {m->entry, m->text, m->ecosystem, m->numbers, m->family,
					m->example, m->source};
		fprintf(out, "\t{%s", kinds[m->kind]);
		for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++)
			fprintf(out, ", %u", blob_intern(b, fields[f]));
		fputs("},\n", out);
	}
	/* One more, so that an empty catalog still makes a valid array. */
	fprintf(out, "\t{EW_MSG_MARKER, 0, 0, 0, 0, 0, 0, 0},\n};\n"
		     "const size_t ew_catalog_n_messages = %zu;\n", items->n);
}
