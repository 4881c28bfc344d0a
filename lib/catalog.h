/* catalog.h: the tables that tools/catalogc generates into catalog_data.c, and nothing else.
 * Inside liberrwhy only; everyone outside reads entries through errwhy.h. */
#ifndef ERRWHY_CATALOG_H
#define ERRWHY_CATALOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "errwhy.h"

extern const size_t ew_catalog_size;

/* ---- the entries, without a pointer ----------------------------------------------------- */
/* catalogc writes the catalog as offsets and indices, never as pointers: a pointer in a table
 * is a relocation that the dynamic loader applies at every start, and the catalog's 12,700 of
 * them cost more than the lookup itself. lib/catalog.c builds the struct ew_entry of errwhy.h
 * from these records the first time someone asks for it (ew_entry_at()). */

/* Every string of the catalog, each followed by its NUL. An offset of 0 stands for NULL: the
 * blob starts with a NUL that no string uses. */
extern const char ew_catalog_strings[];

static inline const char *ew_catalog_str(uint32_t offset)
{
	return offset ? ew_catalog_strings + offset : NULL;
}

/* One entry: the fields of struct ew_entry, strings as offsets. Its lists lie one after another
 * in ew_catalog_lists from lists on: senders, sender_sources (n_senders each), causes,
 * cause_sources (n_causes each), avoid, sources. */
struct ew_entry_rec {
	uint32_t name, message, title, category, meaning, action, symbol, seen;
	uint32_t repro_command, repro_output, repro_call, unreproduced;
	int32_t number, signal;
	uint32_t lists;   /* the first of its items in ew_catalog_lists */
	uint32_t fixes;   /* the first of its fixes in ew_catalog_fixes */
	uint32_t numbers; /* the first of its rows in ew_catalog_numbers */
	uint16_t n_senders, n_causes, n_fixes, n_avoid, n_numbers, n_sources;
	uint8_t family, confidence;
	bool common, complete, catchable, returned;
};

struct ew_fix_rec {
	uint32_t title, when, why, source;
	uint32_t code; /* the first of its blocks in ew_catalog_codes */
	uint32_t n_code;
};

struct ew_code_rec {
	uint32_t lang, text;
};

struct ew_numbers_rec {
	uint32_t name;
	int32_t on[EW_SYS_COUNT];
};

extern const struct ew_entry_rec ew_catalog_recs[];
extern const uint32_t ew_catalog_lists[];
extern const struct ew_fix_rec ew_catalog_fixes[];
extern const struct ew_code_rec ew_catalog_codes[];
extern const struct ew_numbers_rec ew_catalog_numbers[];

/* Where ew_entry_at() builds the entries: zeroed storage (bss) that catalogc sizes to hold
 * every entry, list item, fix, code block and numbers row once; ready[i] says entry i is built
 * (lib/catalog.c explains why that is thread-safe). */
extern struct ew_entry ew_catalog_entries[];
extern const char *ew_catalog_list_items[];
extern struct ew_fix ew_catalog_fix_items[];
extern struct ew_code ew_catalog_code_items[];
extern struct ew_numbers ew_catalog_numbers_items[];
extern atomic_bool ew_catalog_ready[];

/* The index of an entry that ew_entry_at() returned. */
size_t ew_entry_index(const struct ew_entry *e);

/* ---- the lookup index ------------------------------------------------------------------- */
/* What lib/lookup.c answers from without building an entry. Entries are sorted by family,
 * then by the magnitude of their number (catalogc's cmp_entry), so the entries of family f
 * are [ew_catalog_family_start[f], ew_catalog_family_start[f + 1]), in number order. */
extern const uint32_t ew_catalog_family_start[EW_FAMILY_COUNT + 1];
/* Each entry's number on this system, by entry index. */
extern const int32_t ew_catalog_number[];

/* Every name a query can give: each numbers row's name (the entry's own, then its aliases), a
 * signal row's name without SIG, an exit status's symbol, the name of an entry without rows.
 * Sorted by strcasecmp() of text, then entry, then row, so that the keys one query matches
 * are adjacent and in the order the entries are. */
struct ew_name_key {
	uint32_t text;    /* what the query must be, in any case */
	uint32_t as_name; /* the name the match reports */
	uint32_t entry;
	uint8_t family;
	uint8_t kind;     /* EW_MATCH_NAME or EW_MATCH_ALIAS */
};

extern const struct ew_name_key ew_catalog_names[];
extern const size_t ew_catalog_n_names;

/* Every entry's message, sorted by strcasecmp(), then entry. */
struct ew_message_key {
	uint32_t text;
	uint32_t entry;
	uint8_t family;
};

extern const struct ew_message_key ew_catalog_message_keys[];

/* The entries of SIGRTMIN and SIGRTMAX, or -1: the real-time signals between them have one
 * entry, SIGRTMIN's. */
extern const int32_t ew_catalog_rtmin, ew_catalog_rtmax;

/* The Messages items of every entry and of catalog/forms.md (catalog/README.md, "Messages"),
 * as written; tools/patternc compiles them into the recogniser's database. */
enum ew_message_kind {
	EW_MSG_PATTERN,  /* means the entry's error wherever it stands */
	EW_MSG_NOT,      /* a look-alike: matches inside it are dropped */
	EW_MSG_FORM,     /* any errno, as {n} or {name}, in one program's syntax */
	EW_MSG_MARKER    /* tells which ecosystem printed the line */
};

/* The strings are offsets in ew_catalog_strings (ew_catalog_str()), 0 for NULL: no pointers,
 * for the reason the entries have none. */
struct ew_message {
	enum ew_message_kind kind;
	uint32_t entry;     /* PATTERN, NOT: the entry's name; else NULL */
	uint32_t text;
	uint32_t ecosystem;
	uint32_t numbers;   /* FORM with {n}: "linux darwin ...", most likely first */
	/* FORM: the family whose number or name {n} and {name} are ("signal", "exit"), read
	 * on Linux; NULL: an errno, on the systems numbers lists. */
	uint32_t family;
	uint32_t example;
	uint32_t source;
};

/* The built-in reproductions (lib/repro/repro.h), sorted by entry name: each runs in a
 * forked child and returns the errno it got (see repro.h for the contract). The name is held
 * in the record and the function found by a switch, so that neither is a pointer the loader
 * must relocate; catalogc rejects a name that does not fit. */
#define EW_REPRO_NAME_MAX 32
struct ew_repro;
typedef int ew_repro_body(struct ew_repro *r);
struct ew_repro_case {
	char name[EW_REPRO_NAME_MAX];
};

extern const struct ew_repro_case ew_catalog_repros[];
extern const size_t ew_catalog_n_repros;
/* The body of ew_catalog_repros[i], or NULL past the end. */
ew_repro_body *ew_catalog_repro_fn(size_t i);

extern const struct ew_message ew_catalog_messages[];
extern const size_t ew_catalog_n_messages;

#endif
