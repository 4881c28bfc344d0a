/* catalog.h: the tables that tools/catalogc generates into catalog_data.c, and nothing else.
 * Inside liberrwhy only; everyone outside reads entries through errwhy.h. */
#ifndef ERRWHY_CATALOG_H
#define ERRWHY_CATALOG_H

#include "errwhy.h"

extern const struct ew_entry ew_catalog[];
extern const size_t ew_catalog_size;

/* The Messages items of every entry and of catalog/forms.md (catalog/README.md, "Messages"),
 * as written; tools/patternc compiles them into the recogniser's database. */
enum ew_message_kind {
	EW_MSG_PATTERN,  /* means the entry's error wherever it stands */
	EW_MSG_NOT,      /* a look-alike: matches inside it are dropped */
	EW_MSG_FORM,     /* any errno, as {n} or {name}, in one program's syntax */
	EW_MSG_MARKER    /* tells which ecosystem printed the line */
};

struct ew_message {
	enum ew_message_kind kind;
	const char *entry;     /* PATTERN, NOT: the entry's name; else NULL */
	const char *text;
	const char *ecosystem;
	const char *numbers;   /* FORM with {n}: "linux darwin ...", most likely first */
	/* FORM: the family whose number or name {n} and {name} are ("signal", "exit"), read
	 * on Linux; NULL: an errno, on the systems numbers lists. */
	const char *family;
	const char *example;
	const char *source;
};

/* The built-in reproductions (lib/repro/repro.h), sorted by entry name: each runs in a
 * forked child and returns the errno it got (see repro.h for the contract). */
struct ew_repro;
struct ew_repro_case {
	const char *name;
	int (*fn)(struct ew_repro *r);
};

extern const struct ew_repro_case ew_catalog_repros[];
extern const size_t ew_catalog_n_repros;

extern const struct ew_message ew_catalog_messages[];
extern const size_t ew_catalog_n_messages;

#endif
