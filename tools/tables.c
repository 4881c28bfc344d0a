/* tables.c: writes the parsed catalog as the pointer-free tables of lib/catalog.h: one string
 * blob, entry records of offsets and counts, and the sorted index that lib/lookup.c searches. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogc.h"

/* ---- the string blob -------------------------------------------------------------------- */

/* Every string once, at its offset: a string that many entries share ("errno(3)") costs its
 * bytes once. Offset 0 is the NUL that stands for NULL, and so marks an empty slot of the hash
 * table, which holds offsets into text. */
struct blob {
	struct str text;
	uint32_t *slots; /* open addressing, by hash of the string */
	size_t cap, n;
};

static size_t hash(const char *s)
{
	size_t h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static void blob_grow(struct blob *b)
{
	size_t cap = b->cap ? b->cap * 2 : 4096;
	uint32_t *slots = xrealloc(NULL, cap * sizeof(*slots));

	memset(slots, 0, cap * sizeof(*slots));
	for (size_t i = 0; i < b->cap; i++) {
		if (!b->slots[i])
			continue;
		size_t k = hash(b->text.s + b->slots[i]) & (cap - 1);
		while (slots[k])
			k = (k + 1) & (cap - 1);
		slots[k] = b->slots[i];
	}
	free(b->slots);
	b->slots = slots;
	b->cap = cap;
}

uint32_t blob_intern(struct blob *b, const char *s)
{
	size_t k;

	if (!s)
		return 0;
	if (2 * (b->n + 1) > b->cap)
		blob_grow(b);
	for (k = hash(s) & (b->cap - 1); b->slots[k]; k = (k + 1) & (b->cap - 1))
		if (strcmp(b->text.s + b->slots[k], s) == 0)
			return b->slots[k];
	if (b->text.len + strlen(s) + 1 > UINT32_MAX) {
		fputs("catalogc: the catalog's text passed 4 GiB\n", stderr);
		exit(1);
	}
	b->slots[k] = (uint32_t)b->text.len;
	b->n++;
	str_add(&b->text, s, strlen(s) + 1);
	return b->slots[k];
}

/* The blob as one C string, a piece per string with its offset in a comment. */
static void put_blob(FILE *out, const struct blob *b)
{
	fputs("const char ew_catalog_strings[] =\n\t\"\\0\"\n", out);
	for (size_t at = 1; at < b->text.len; at += strlen(b->text.s + at) + 1) {
		fprintf(out, "\t/* %zu */ ", at);
		put_cstr(out, b->text.s + at);
		fputs(" \"\\0\"\n", out);
	}
	fputs("\t;\n\n", out);
}

/* ---- the entries ------------------------------------------------------------------------ */

/* How much storage the built entries take, so that catalog_data.c can size it. */
struct totals {
	size_t lists, fixes, codes, numbers;
};

static void put_offsets(FILE *out, struct blob *b, const struct list *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%u,", i % 8 ? " " : "\n\t",
			blob_intern(b, i < l->n ? l->items[i] : NULL));
}

/* One entry's list items, in the order struct ew_entry_rec says. */
static size_t put_entry_lists(FILE *out, struct blob *b, const struct entry *e)
{
	fprintf(out, "\n\t/* %s */", e->name);
	put_offsets(out, b, &e->senders, e->senders.n);
	put_offsets(out, b, &e->sender_sources, e->senders.n);
	put_offsets(out, b, &e->causes, e->causes.n);
	put_offsets(out, b, &e->cause_sources, e->causes.n);
	put_offsets(out, b, &e->avoid, e->avoid.n);
	put_offsets(out, b, &e->sources, e->sources.n);
	return 2 * e->senders.n + 2 * e->causes.n + e->avoid.n + e->sources.n;
}

static void put_lists(FILE *out, struct blob *b, const struct entry *entries, size_t n,
		      struct totals *t)
{
	fputs("const uint32_t ew_catalog_lists[] = {0,", out);
	for (size_t i = 0; i < n; i++)
		t->lists += put_entry_lists(out, b, &entries[i]);
	fputs("\n};\n\n", out);
}

static void put_fixes(FILE *out, struct blob *b, const struct entry *entries, size_t n,
		      struct totals *t)
{
	fputs("const struct ew_fix_rec ew_catalog_fixes[] = {\n\t{0, 0, 0, 0, 0, 0},\n", out);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < entries[i].n_fixes; k++) {
			const struct fix *f = &entries[i].fixes[k];
			fprintf(out, "\t{%u, %u, %u, %u, %zu, %zu}, /* %s */\n",
				blob_intern(b, f->title), blob_intern(b, f->when),
				blob_intern(b, f->why), blob_intern(b, f->source), t->codes,
				f->n_code, entries[i].name);
			t->codes += f->n_code;
			t->fixes++;
		}
	fputs("};\n\nconst struct ew_code_rec ew_catalog_codes[] = {\n\t{0, 0},\n", out);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < entries[i].n_fixes; k++)
			for (size_t c = 0; c < entries[i].fixes[k].n_code; c++) {
				const struct code *code = &entries[i].fixes[k].code[c];
				fprintf(out, "\t{%u, %u},\n", blob_intern(b, code->lang),
					blob_intern(b, code->text));
			}
	fputs("};\n\n", out);
}

static void put_numbers(FILE *out, struct blob *b, const struct entry *entries, size_t n,
			struct totals *t)
{
	fputs("const struct ew_numbers_rec ew_catalog_numbers[] = {\n\t{0, {0}},\n", out);
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < entries[i].n_numbers; r++) {
			const struct numbers_row *row = &entries[i].numbers[r];
			fprintf(out, "\t{%u, {", blob_intern(b, row->name));
			for (int k = 0; k < N_SYSTEMS; k++) {
				if (row->on[k] == LONG_MIN)
					fputs("EW_NO_NUMBER", out);
				else
					fprintf(out, "%ld", row->on[k]);
				fputs(k + 1 < N_SYSTEMS ? ", " : "}}, ", out);
			}
			fprintf(out, "/* %s */\n", row->name);
			t->numbers++;
		}
	fputs("};\n\n", out);
}

static void put_field(FILE *out, struct blob *b, const char *field, const char *value)
{
	fprintf(out, " .%s = %u,", field, blob_intern(b, value));
}

/* The record of one entry; its lists, fixes and rows start where *at says, which then moves
 * past them. */
static void put_rec(FILE *out, struct blob *b, const struct entry *e, struct totals *at)
{
	fprintf(out, "\t{ /* %s */\n\t.family = %s,", e->name, family_find(e->family)->enum_name);
	put_field(out, b, "name", e->name);
	put_field(out, b, "message", e->message);
	put_field(out, b, "title", e->title);
	put_field(out, b, "category", e->category);
	put_field(out, b, "meaning", e->meaning);
	fputs("\n\t", out);
	put_field(out, b, "action", e->action);
	put_field(out, b, "symbol", e->symbol);
	put_field(out, b, "seen", e->seen);
	put_field(out, b, "repro_command", e->repro_command);
	put_field(out, b, "repro_output", e->repro_output);
	put_field(out, b, "repro_call", e->repro_body.text ? e->repro_call : NULL);
	put_field(out, b, "unreproduced", e->unreproduced);
	fprintf(out, "\n\t.number = %d, .signal = %d, .confidence = %s,\n"
		"\t.common = %s, .complete = %s, .catchable = %s, .returned = %s,\n",
		e->number, e->signal, entry_confidence(e), e->common ? "true" : "false",
		entry_complete(e) ? "true" : "false", e->catchable ? "true" : "false",
		e->returned ? "true" : "false");
	fprintf(out, "\t.lists = %zu, .fixes = %zu, .numbers = %zu,\n", at->lists, at->fixes,
		at->numbers);
	fprintf(out, "\t.n_senders = %zu, .n_causes = %zu, .n_fixes = %zu, .n_avoid = %zu, "
		".n_numbers = %zu, .n_sources = %zu},\n", e->senders.n, e->causes.n, e->n_fixes,
		e->avoid.n, e->n_numbers, e->sources.n);
	at->lists += 2 * e->senders.n + 2 * e->causes.n + e->avoid.n + e->sources.n;
	at->fixes += e->n_fixes;
	at->numbers += e->n_numbers;
}

/* ---- the index -------------------------------------------------------------------------- */

struct key {
	const char *text;
	uint32_t text_at, as_name, entry;
	size_t row; /* the order within an entry */
	const char *family, *kind;
};

struct keys {
	struct key *at;
	size_t n;
};

static void key_add(struct keys *k, struct blob *b, const char *text, uint32_t text_at,
		    const char *as_name, size_t entry, size_t row, const struct entry *e,
		    const char *kind)
{
	k->at = xrealloc(k->at, (k->n + 1) * sizeof(*k->at));
	k->at[k->n++] = (struct key){text, text_at, blob_intern(b, as_name), (uint32_t)entry, row,
				     family_find(e->family)->enum_name, kind};
}

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcasecmp(x->text, y->text);

	if (c)
		return c;
	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* The names a query can give (lib/lookup.c, by_name()): an exit status's symbol (not 128+N's:
 * that names the signal, whose own entry answers it) or the name of an entry without rows;
 * else each row's name, and a signal row's also without SIG. */
static void entry_names(struct keys *k, struct blob *b, const struct entry *e, size_t i)
{
	bool exit_symbol = strcmp(e->family, "exit") == 0 && e->symbol && !e->signal;

	if (exit_symbol)
		key_add(k, b, e->symbol, blob_intern(b, e->symbol), e->name, i, 0, e,
			"EW_MATCH_NAME");
	if (!e->n_numbers && !(exit_symbol && strcasecmp(e->symbol, e->name) == 0))
		key_add(k, b, e->name, blob_intern(b, e->name), e->name, i, 0, e, "EW_MATCH_NAME");
	for (size_t r = 0; !exit_symbol && r < e->n_numbers; r++) {
		const char *name = e->numbers[r].name;
		const char *kind = r ? "EW_MATCH_ALIAS" : "EW_MATCH_NAME";
		key_add(k, b, name, blob_intern(b, name), name, i, 2 * r, e, kind);
		if (strcmp(e->family, "signal") == 0 && starts_with(name, "SIG"))
			key_add(k, b, name + 3, blob_intern(b, name) + 3, name, i, 2 * r + 1, e,
				kind);
	}
}

static void put_names(FILE *out, struct blob *b, const struct entry *entries, size_t n)
{
	struct keys k = {NULL, 0};

	for (size_t i = 0; i < n; i++)
		entry_names(&k, b, &entries[i], i);
	qsort(k.at, k.n, sizeof(*k.at), cmp_key);
	fputs("const struct ew_name_key ew_catalog_names[] = {\n", out);
	for (size_t i = 0; i < k.n; i++)
		fprintf(out, "\t{%u, %u, %u, %s, %s}, /* %s */\n", k.at[i].text_at, k.at[i].as_name,
			k.at[i].entry, k.at[i].family, k.at[i].kind, k.at[i].text);
	fprintf(out, "\t{0, 0, 0, 0, 0},\n};\nconst size_t ew_catalog_n_names = %zu;\n\n", k.n);
	free(k.at);
}

static void put_message_keys(FILE *out, struct blob *b, const struct entry *entries, size_t n)
{
	struct keys k = {NULL, 0};

	for (size_t i = 0; i < n; i++)
		key_add(&k, b, entries[i].message, blob_intern(b, entries[i].message), NULL, i, 0,
			&entries[i], NULL);
	qsort(k.at, k.n, sizeof(*k.at), cmp_key);
	fputs("const struct ew_message_key ew_catalog_message_keys[] = {\n", out);
	for (size_t i = 0; i < k.n; i++)
		fprintf(out, "\t{%u, %u, %s},\n", k.at[i].text_at, k.at[i].entry, k.at[i].family);
	fputs("\t{0, 0, 0},\n};\n\n", out);
	free(k.at);
}

static void put_number_index(FILE *out, const struct entry *entries, size_t n)
{
	long rtmin = -1, rtmax = -1;

	fputs("const uint32_t ew_catalog_family_start[EW_FAMILY_COUNT + 1] = {", out);
	for (size_t f = 0, i = 0; f <= n_families; f++) {
		while (i < n && (size_t)(family_find(entries[i].family) - families) < f)
			i++;
		fprintf(out, "%s%zu", f ? ", " : "", i);
	}
	fputs("};\n\nconst int32_t ew_catalog_number[] = {", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s%d,", i % 16 ? " " : "\n\t", entries[i].number);
		if (strcmp(entries[i].name, "SIGRTMIN") == 0 &&
		    strcmp(entries[i].family, "signal") == 0)
			rtmin = (long)i;
		if (strcmp(entries[i].name, "SIGRTMAX") == 0)
			rtmax = (long)i;
	}
	fprintf(out, "\n\t0,\n};\n\n"
		"const int32_t ew_catalog_rtmin = %ld, ew_catalog_rtmax = %ld;\n\n", rtmin, rtmax);
}

/* ---- all of it -------------------------------------------------------------------------- */

/* The zeroed storage that lib/catalog.c builds entries in, one more of each than needed so
 * that no array is empty. */
static void put_storage(FILE *out, size_t n, const struct totals *t)
{
	fprintf(out, "struct ew_entry ew_catalog_entries[%zu];\n"
		"atomic_bool ew_catalog_ready[%zu];\n"
		"const char *ew_catalog_list_items[%zu];\n"
		"struct ew_fix ew_catalog_fix_items[%zu];\n"
		"struct ew_code ew_catalog_code_items[%zu];\n"
		"struct ew_numbers ew_catalog_numbers_items[%zu];\n\n",
		n + 1, n + 1, t->lists + 1, t->fixes + 1, t->codes + 1, t->numbers + 1);
}

void put_tables(FILE *out, const struct entry *entries, size_t n,
		const struct msg_items *messages)
{
	struct blob b = {{NULL, 0, 0}, NULL, 0, 0};
	struct totals t = {1, 1, 1, 1}, at = {1, 1, 1, 1};

	str_add(&b.text, "", 1); /* offset 0: NULL */
	if (n > UINT32_MAX) {
		fputs("catalogc: too many entries\n", stderr);
		exit(1);
	}
	put_lists(out, &b, entries, n, &t);
	put_fixes(out, &b, entries, n, &t);
	put_numbers(out, &b, entries, n, &t);
	fprintf(out, "const struct ew_entry_rec ew_catalog_recs[%zu] = {\n", n ? n : 1);
	for (size_t i = 0; i < n; i++)
		put_rec(out, &b, &entries[i], &at);
	fprintf(out, "};\n\nconst size_t ew_catalog_size = %zu;\n\n", n);
	put_names(out, &b, entries, n);
	put_message_keys(out, &b, entries, n);
	put_number_index(out, entries, n);
	put_storage(out, n, &t);
	msg_put_c(out, &b, messages);
	put_blob(out, &b);
	free(b.slots);
	free(b.text.s);
}
