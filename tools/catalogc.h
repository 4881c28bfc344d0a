/* catalogc.h: what the parts of catalogc share: lint reporting, allocation that cannot fail,
 * and the Messages items (tools/messages.c) that the entry parser hands over. */
#ifndef CATALOGC_H
#define CATALOGC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void lint(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
bool valid_source(const char *s);
bool valid_kernel_source(const char *s);
/* s as a C string literal (NULL as NULL), for the generated tables. */
void put_cstr(FILE *out, const char *s);

/* ---- the entry as parsed (tools/catalogc.c) and its parser's reading functions ----------- */

/* A growable string, for joining the lines of paragraphs and code blocks. */
struct str {
	char *s;
	size_t len, cap;
};

void str_add(struct str *b, const char *s, size_t n);
void str_adds(struct str *b, const char *s);
/* Hands the string over to the caller and leaves b empty. */
char *str_take(struct str *b);
bool starts_with(const char *s, const char *prefix);
bool blank(const char *s);

struct list {
	char **items;
	size_t n;
};

void list_add(struct list *l, char *item);

struct code {
	char *lang, *text;
	int line; /* of the opening fence */
};

struct fix {
	char *title, *when, *why;
	char *source;       /* "Source: ..." after Why, or NULL */
	struct code *code;
	size_t n_code;
	struct code check;  /* the hidden ```c check or ```sh check; lang NULL when none */
	int line;
};

/* The systems of "Numbers on other systems", in the order of enum ew_system (errwhy.h); each
 * family shows some of them (tools/families.c). */
#define N_SYSTEMS 10

struct numbers_row {
	char *name;
	long on[N_SYSTEMS]; /* LONG_MIN: none */
};

struct entry {
	const char *family;
	const char *path;
	char *name, *title, *category;
	bool common;
	bool returned;            /* "- returned: no" makes it false */
	struct list aliases;
	char *meaning;
	struct list causes;
	struct list cause_sources; /* one per cause: its Source: line, or NULL */
	char *seen;               /* "If you see it" */
	char *repro_command, *repro_output;
	char *repro_mode;         /* the trigger's fence after "sh": "", "root", "unchecked: ..." */
	int repro_line;
	char *repro_call;         /* "Built-in reproduction": Call: ... */
	struct code repro_body;   /* ... and its ```c block (text NULL when none) */
	char *unreproduced;       /* ... or Not reproduced: ... */
	struct fix *fixes;
	size_t n_fixes;
	struct list avoid;
	struct numbers_row *numbers;
	size_t n_numbers;
	struct list sources;
	int number;
	const char *message;
	/* The other families (catalog/README.md, "Families"): */
	char *action;             /* signal: term, core, ign, stop, cont */
	bool catchable;           /* signal: false only for SIGKILL and SIGSTOP */
	struct list senders;      /* signal: "Who sends it", and each item's Source: */
	struct list sender_sources;
	char *symbol;             /* exit: EXIT_EXEC, EX_USAGE, SIGKILL for 128+N; or NULL */
	int signal;               /* exit 128+N: N; else 0 */
	char *number_key;         /* kernel: "- number: 517" as written */
	bool generated;           /* made by catalogc (exit 128+N), not read from a file */
	const struct entry *from; /* generated: the signal entry it was made from */
};

struct lines {
	char **at;
	size_t n;
};

struct parser {
	const char *path;
	struct lines lines;
	size_t i;         /* the next line to read */
	bool hidden_code; /* reading code that is compiled, not shown: no width limit */
};

const char *peek(struct parser *p);
int lineno(struct parser *p);
bool at_heading(struct parser *p);
void skip_blank(struct parser *p);
/* Paragraphs up to the next heading, code fence or (when stop_at is set) a line starting with
 * it. Lines of a paragraph are joined by spaces; paragraphs by a blank line. */
char *read_paragraphs(struct parser *p, const char *stop_at);
/* A fenced block: ```info, lines, ```. Returns the text; *lang gets the info string. */
char *read_fence(struct parser *p, char **lang);

/* catalog/README.md, "Completeness" and "Confidence" (tools/catalogc.c). */
bool entry_complete(const struct entry *e);
const char *entry_confidence(const struct entry *e); /* "EW_CONFIDENCE_HIGH" */
/* The tables of lib/catalog.h: entries, lists, the lookup index, the Messages items and the
 * string blob (tools/tables.c). */
struct msg_items;
void put_tables(FILE *out, const struct entry *entries, size_t n,
		const struct msg_items *messages);

/* ---- families (tools/families.c): what differs between errno, signal, exit, ... ------- */

struct family {
	const char *key;              /* the folder: "signal" */
	const char *enum_name;        /* "EW_FAMILY_SIGNAL" */
	const char *const *categories; /* NULL-terminated */
	const char *const *keys;       /* the header keys it takes besides category and common */
	const int *columns;            /* the numbers table's systems (index into system keys) */
	int n_columns;                 /* 0: the family has no numbers table */
	const char *const *column_labels; /* as the table header writes them */
	bool senders;                  /* has "Who sends it" */
};

extern const struct family families[];
extern const size_t n_families;
const struct family *family_find(const char *key);
/* Reads this system's number and message of e (which names an entry of its family) and lints
 * its names, aliases and family keys; covered marks the names it stands for. */
void family_check(struct entry *e);
/* Records that the catalog has the family's folder. */
void family_present(const char *key);
/* Lints what no entry covers: every name this system defines, in every family whose folder
 * the catalog has, needs one. */
void family_check_coverage(const char *root);
/* The exit entries 128+N, one per signal entry with N below 32, appended to *entries. */
void family_add_signal_exits(struct entry **entries, size_t *n);

/* ---- proof (tools/proof.c): claim sources, built-in reproductions, checked examples ------ */

/* Lints a Source: value (catalog/README.md, "Claim sources") at file:line. */
void check_claim_source(const char *path, int line, const char *value);
/* Reads "## Built-in reproduction" into e. */
void parse_builtin(struct parser *p, struct entry *e);
/* The reproduction functions and ew_catalog_repros[] (lib/catalog.h). */
void put_repros(FILE *out, const struct entry *entries, size_t n);
/* catalogc --extract: every trigger, fix block and check, as files under dir/NAME/. */
int extract_examples(const struct entry *entries, size_t n, const char *dir);

/* The kinds of a Messages item: the key its first line starts with. */
enum msg_kind { MSG_PATTERN, MSG_NOT, MSG_FORM, MSG_MARKER };

struct msg_item {
	enum msg_kind kind;
	const char *entry; /* the entry's name for pattern/not; NULL in forms.md */
	char *text;        /* the pattern, form or marker text */
	char *ecosystem, *example, *source;
	char *numbers;     /* forms with {n}: "linux darwin" */
	char *family;      /* forms: the family {n} and {name} are read in; NULL: errno */
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
/* The catalog's strings, each once (tools/tables.c). */
struct blob;
/* The offset of s in the blob, adding it the first time; 0 for NULL. */
uint32_t blob_intern(struct blob *b, const char *s);

/* The table ew_catalog_messages[] in the generated C file, its strings in b. */
void msg_put_c(FILE *out, struct blob *b, const struct msg_items *items);

#endif
