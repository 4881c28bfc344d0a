/* patternc: compiles the recogniser's patterns into one vectorscan database at build time.
 * It reads the compiled catalog (ew_entry_at(), ew_catalog_messages[]) and glibc's translated
 * strerror texts (the libc.mo catalogs of Debian's libc-l10n), and writes identify_data.c:
 * the pattern table that lib/identify/ verifies matches against, and the serialized database.
 *
 *   patternc --out identify_data.c [--locale-dir /usr/share/locale]
 *
 * Every pattern is matched without case and without word boundaries here, a space as one
 * space; the verifier in lib/identify/verify.c checks the boundaries, reads the placeholders
 * and lets a space be any run of white space. Literal spaces keep the database on vectorscan's
 * fast literal matchers (a \s+ per space halved the speed); a text broken across two lines
 * gets one more pattern per space, its words up to there and a line break. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hs.h>

#include "catalog.h"
#include "identify/patterns.h"

struct pattern {
	enum ew_pattern_kind kind;
	int entry;   /* index for ew_entry_at(), or -1 */
	int message; /* index in ew_catalog_messages, or -1 */
	char lang[16];
	char *text;
	int base, prefix; /* a line-break pattern: see lib/identify/patterns.h */
};

static struct pattern *patterns;
static size_t n_patterns;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("patternc: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

/* A pattern that another one already says (same kind, entry and text, in any case) is left
 * out: the database must not report one fact twice. */
static void add(enum ew_pattern_kind kind, int entry, int message, const char *lang,
		const char *text)
{
	for (size_t i = 0; i < n_patterns; i++)
		if (patterns[i].kind == kind && patterns[i].entry == entry &&
		    strcasecmp(patterns[i].text, text) == 0)
			return;
	patterns = xrealloc(patterns, (n_patterns + 1) * sizeof(*patterns));
	patterns[n_patterns] = (struct pattern){kind, entry, message, "", xstrdup(text), -1, 0};
	snprintf(patterns[n_patterns].lang, sizeof(patterns[n_patterns].lang), "%s", lang);
	n_patterns++;
}

static int entry_index(const char *name)
{
	for (size_t i = 0; i < ew_catalog_size; i++) {
		if (strcmp(ew_entry_at(i)->name, name) == 0)
			return (int)i;
		for (size_t k = 1; k < ew_entry_at(i)->n_numbers; k++)
			if (strcmp(ew_entry_at(i)->numbers[k].name, name) == 0)
				return (int)i;
	}
	return -1;
}

/* Whether the entry's message is a system's text, recognised wherever it stands: strerror()
 * and gai_strerror() texts are. A signal's strsignal() text is one or two common words
 * ("Killed", "Hangup", "Stopped") and "Broken pipe" is EPIPE's too: a signal entry lists
 * the forms that mean it in its Messages. Exit statuses and kernel codes have our titles. */
static bool message_recognised(const struct ew_entry *e)
{
	return (e->family == EW_FAMILY_ERRNO || e->family == EW_FAMILY_RESOLVER) &&
	       strncmp(e->message, "Unknown error", 13) != 0;
}

/* A signal whose text a shell prints for a job it ended: not the real-time range (no text of
 * its own) nor one whose text is an errno's too (SIGPIPE's "Broken pipe" is EPIPE's). */
static bool shell_reported(const struct ew_entry *e)
{
	if (e->family != EW_FAMILY_SIGNAL || strncmp(e->message, "Real-time", 9) == 0)
		return false;
	for (size_t i = 0; i < ew_catalog_size; i++)
		if (ew_entry_at(i)->family == EW_FAMILY_ERRNO &&
		    strcasecmp(ew_entry_at(i)->message, e->message) == 0)
			return false;
	return true;
}

static int entry_of_message(const char *text)
{
	for (size_t i = 0; i < ew_catalog_size; i++)
		if (message_recognised(ew_entry_at(i)) && strcmp(ew_entry_at(i)->message, text) == 0)
			return (int)i;
	return -1;
}

/* ---- glibc's translations --------------------------------------------------------------- */

/* A GNU .mo file: a header of 32-bit words, then tables of (length, offset) pairs for the
 * original and the translated strings (gettext manual, "The Format of GNU MO Files"). */
#define MO_MAGIC 0x950412deu

static uint32_t word(const unsigned char *p, size_t at, size_t size, bool swap)
{
	uint32_t w;
	if (at + 4 > size)
		return UINT32_MAX;
	memcpy(&w, p + at, 4);
	return swap ? __builtin_bswap32(w) : w;
}

static const char *mo_string(const unsigned char *mo, size_t size, uint32_t table, uint32_t i,
			     bool swap)
{
	uint32_t len = word(mo, (size_t)table + 8u * i, size, swap);
	uint32_t off = word(mo, (size_t)table + 8u * i + 4, size, swap);
	if (len == UINT32_MAX || off == UINT32_MAX || (size_t)off + len >= size || mo[off + len])
		return NULL;
	return (const char *)mo + off;
}

/* Adds this language's text of every entry's message. */
static void read_mo(const char *path, const char *lang)
{
	FILE *f = fopen(path, "rb");
	unsigned char *mo = NULL;
	size_t size = 0, got;
	unsigned char chunk[65536];

	if (!f)
		return;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		mo = xrealloc(mo, size + got);
		memcpy(mo + size, chunk, got);
		size += got;
	}
	fclose(f);
	uint32_t magic = word(mo, 0, size, false);
	bool swap = magic != MO_MAGIC;
	if (swap && __builtin_bswap32(magic) != MO_MAGIC) {
		free(mo);
		return;
	}
	uint32_t n = word(mo, 8, size, swap), orig = word(mo, 12, size, swap),
		 tran = word(mo, 16, size, swap);
	for (uint32_t i = 0; n != UINT32_MAX && i < n; i++) {
		const char *id = mo_string(mo, size, orig, i, swap);
		const char *tr = mo_string(mo, size, tran, i, swap);
		int e = id ? entry_of_message(id) : -1;
		/* A short or untranslated text says too little to tell an error by. */
		if (e >= 0 && tr && strlen(tr) >= 8 && strcasecmp(tr, id) != 0)
			add(EW_PAT_TRANSLATION, e, -1, lang, tr);
	}
	free(mo);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_translations(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **langs = NULL, path[4096];
	size_t n = 0;

	if (!d) {
		fprintf(stderr, "patternc: %s: %s (no translated texts)\n", dir, strerror(errno));
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			langs = xrealloc(langs, (n + 1) * sizeof(*langs));
			langs[n++] = xstrdup(de->d_name);
		}
	closedir(d);
	qsort(langs, n, sizeof(*langs), cmp_name); /* the same build, the same database */
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/libc.mo", dir, langs[i]);
		read_mo(path, langs[i]);
		free(langs[i]);
	}
	free(langs);
}

/* Two languages, or two errors, sharing one text cannot tell the error: such a translation is
 * dropped for every entry that has it (the English texts are all distinct). */
static void drop_ambiguous(void)
{
	bool *clash = xrealloc(NULL, n_patterns * sizeof(*clash));
	size_t out = 0;

	/* Marked first, dropped after: every pair is compared while all are still there. */
	for (size_t i = 0; i < n_patterns; i++) {
		clash[i] = false;
		for (size_t k = 0; k < n_patterns && !clash[i]; k++)
			clash[i] = k != i && patterns[i].kind == EW_PAT_TRANSLATION &&
				   (patterns[k].kind == EW_PAT_TRANSLATION ||
				    patterns[k].kind == EW_PAT_TEXT) &&
				   patterns[k].entry != patterns[i].entry &&
				   strcasecmp(patterns[k].text, patterns[i].text) == 0;
	}
	for (size_t i = 0; i < n_patterns; i++) {
		if (clash[i])
			free(patterns[i].text);
		else
			patterns[out++] = patterns[i];
	}
	free(clash);
	n_patterns = out;
}

/* ---- the catalog's own patterns --------------------------------------------------------- */

static void read_catalog(void)
{
	static const enum ew_pattern_kind kinds[] = {
		[EW_MSG_PATTERN] = EW_PAT_PATTERN, [EW_MSG_NOT] = EW_PAT_NOT,
		[EW_MSG_FORM] = EW_PAT_FORM, [EW_MSG_MARKER] = EW_PAT_MARKER,
	};

	for (size_t i = 0; i < ew_catalog_size; i++) {
		const struct ew_entry *e = ew_entry_at(i);
		for (size_t k = 0; k < e->n_numbers; k++)
			add(EW_PAT_NAME, (int)i, -1, "", e->numbers[k].name);
		/* A kernel code has no numbers table; an exit status's name is a number, which is
		 * read only through a form. */
		if (e->family == EW_FAMILY_KERNEL)
			add(EW_PAT_NAME, (int)i, -1, "", e->name);
		if (message_recognised(e))
			add(EW_PAT_TEXT, (int)i, -1, "", e->message);
		if (shell_reported(e))
			add(EW_PAT_LINE, (int)i, -1, "", e->message);
	}
	for (size_t m = 0; m < ew_catalog_n_messages; m++) {
		const struct ew_message *msg = &ew_catalog_messages[m];
		int e = msg->entry ? entry_index(ew_catalog_str(msg->entry)) : -1;
		add(kinds[msg->kind], e, (int)m, "", ew_catalog_str(msg->text));
	}
}

/* ---- texts across a line break ---------------------------------------------------------- */

static bool breakable(const struct pattern *p)
{
	return (p->kind == EW_PAT_TEXT || p->kind == EW_PAT_TRANSLATION ||
		p->kind == EW_PAT_PATTERN) &&
	       !strchr(p->text, '{') && strchr(p->text, ' ');
}

/* For every space of every text: the words before it and "\n". */
static void add_breaks(void)
{
	size_t n = n_patterns;
	for (size_t i = 0; i < n; i++) {
		if (!breakable(&patterns[i]))
			continue;
		for (const char *sp = strchr(patterns[i].text, ' '); sp; sp = strchr(sp + 1, ' ')) {
			size_t len = (size_t)(sp - patterns[i].text);
			patterns = xrealloc(patterns, (n_patterns + 1) * sizeof(*patterns));
			patterns[n_patterns] = patterns[i];
			patterns[n_patterns].text = xstrdup(patterns[i].text);
			patterns[n_patterns].base = (int)i;
			patterns[n_patterns].prefix = (int)len + 1;
			n_patterns++;
		}
	}
}

/* ---- the database ----------------------------------------------------------------------- */

/* The regular expression for a pattern: literal bytes, a space for any run of white space,
 * {n} for digits and {name} for a word that may be an errno name, or for a form of another
 * family any name (a signal's KILL, systemd's EXEC). */
static char *to_regex(const char *t, bool errno_names)
{
	size_t cap = strlen(t) * 4 + 64, n = 0;
	char *r = xrealloc(NULL, cap);

	while (*t) {
		if (strncmp(t, "{n}", 3) == 0) {
			n += (size_t)sprintf(r + n, "[0-9]{1,6}");
			t += 3;
		} else if (strncmp(t, "{name}", 6) == 0) {
			n += (size_t)sprintf(r + n, errno_names ? "e[a-z0-9]{1,15}" : "[a-z][a-z0-9_]{1,23}");
			t += 6;
		} else if (*t == ' ') {
			n += (size_t)sprintf(r + n, " ");
			t += strspn(t, " ");
		} else {
			unsigned char c = (unsigned char)*t++;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
				r[n++] = (char)c;
			else
				n += (size_t)sprintf(r + n, "\\x%02x", c);
		}
		if (n + 32 > cap)
			r = xrealloc(r, cap *= 2);
	}
	r[n] = '\0';
	return r;
}

/* platform NULL: tuned for this machine's CPU; else for any x86-64 (what valgrind, which
 * hides AVX-512, and older machines can run). */
static hs_database_t *compile(const hs_platform_info_t *platform)
{
	const char **exprs = xrealloc(NULL, n_patterns * sizeof(*exprs));
	unsigned *flags = xrealloc(NULL, n_patterns * sizeof(*flags));
	unsigned *ids = xrealloc(NULL, n_patterns * sizeof(*ids));
	hs_database_t *db = NULL;
	hs_compile_error_t *err = NULL;

	for (size_t i = 0; i < n_patterns; i++) {
		int m = patterns[i].message;
		bool errno_names = m < 0 || !ew_catalog_messages[m].family;
		if (patterns[i].base >= 0) {
			char *prefix = xstrdup(patterns[i].text);
			prefix[patterns[i].prefix - 1] = '\0';
			char *r = to_regex(prefix, errno_names);
			exprs[i] = xrealloc(r, strlen(r) + 3);
			strcat((char *)exprs[i], "\\n");
			free(prefix);
		} else {
			exprs[i] = to_regex(patterns[i].text, errno_names);
		}
		flags[i] = HS_FLAG_CASELESS;
		ids[i] = (unsigned)i;
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)n_patterns, HS_MODE_BLOCK, platform,
			     &db, &err) != HS_SUCCESS) {
		int at = err ? err->expression : -1;
		fprintf(stderr, "patternc: cannot compile pattern %d '%s': %s\n", at,
			at >= 0 ? patterns[at].text : "", err ? err->message : "?");
		hs_free_compile_error(err);
		exit(1);
	}
	for (size_t i = 0; i < n_patterns; i++)
		free((char *)exprs[i]);
	free(exprs);
	free(flags);
	free(ids);
	return db;
}

static void put_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f || c == '?')
			fprintf(out, "\\%03o", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void put_bytes(FILE *out, const char *name, const char *bytes, size_t size)
{
	/* 8-byte aligned: hs_deserialize_database_at() wants the bytes it reads aligned. */
	fprintf(out, "const size_t %s_size = %zu;\n"
		     "_Alignas(8) const unsigned char %s[%zu] = {", name, size, name, size);
	for (size_t i = 0; i < size; i++)
		fprintf(out, "%s%u,", i % 24 ? "" : "\n", (unsigned char)bytes[i]);
	fputs("\n};\n", out);
}

static void serialize(hs_database_t *db, char **bytes, size_t *size)
{
	if (hs_serialize_database(db, bytes, size) != HS_SUCCESS) {
		fputs("patternc: cannot serialize the database\n", stderr);
		exit(1);
	}
	hs_free_database(db);
}

static int write_c(const char *path)
{
	static const hs_platform_info_t any_x86_64 = {.tune = HS_TUNE_FAMILY_GENERIC};
	char *host, *generic;
	size_t host_size, generic_size;
	FILE *out = fopen(path, "w");

	if (!out) {
		fprintf(stderr, "patternc: %s: %s\n", path, strerror(errno));
		return 1;
	}
	serialize(compile(NULL), &host, &host_size);
	serialize(compile(&any_x86_64), &generic, &generic_size);
	fputs("/* identify_data.c: generated by tools/patternc. Do not edit. */\n"
	      "#include \"identify/patterns.h\"\n\n", out);
	/* The strings first, each once, then the table of their offsets. */
	unsigned *text_at = xrealloc(NULL, 2 * n_patterns * sizeof(*text_at));
	unsigned *lang_at = text_at + n_patterns, at = 1;
	fputs("const char ew_pattern_strings[] =\n\t\"\\0\"\n", out); /* offset 0: "" */
	for (size_t i = 0; i < n_patterns; i++) {
		bool again = patterns[i].base >= 0; /* a line-break pattern repeats its base */
		text_at[i] = again ? text_at[patterns[i].base] : at;
		lang_at[i] = 0;
		if (!again) {
			fputs("\t", out);
			put_str(out, patterns[i].text);
			fputs(" \"\\0\"\n", out);
			at += (unsigned)strlen(patterns[i].text) + 1;
		}
		if (patterns[i].lang[0] && !again) {
			lang_at[i] = at;
			fputs("\t", out);
			put_str(out, patterns[i].lang);
			fputs(" \"\\0\"\n", out);
			at += (unsigned)strlen(patterns[i].lang) + 1;
		} else if (again) {
			lang_at[i] = lang_at[patterns[i].base];
		}
	}
	fputs(";\n\n", out);
	fprintf(out, "const struct ew_pattern ew_patterns[%zu] = {\n", n_patterns);
	for (size_t i = 0; i < n_patterns; i++)
		fprintf(out, "\t{%d, %d, %d, %u, %u, %d, %d},\n", patterns[i].kind,
			patterns[i].entry, patterns[i].message, lang_at[i], text_at[i],
			patterns[i].base, patterns[i].prefix);
	free(text_at);
	fprintf(out, "};\nconst size_t ew_n_patterns = %zu;\n\n", n_patterns);
	put_bytes(out, "ew_hs_db", host, host_size);
	put_bytes(out, "ew_hs_db_generic", generic, generic_size);
	free(host);
	free(generic);
	return fclose(out) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *locales = "/usr/share/locale";

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--out") == 0)
			out = argv[i + 1];
		else if (strcmp(argv[i], "--locale-dir") == 0)
			locales = argv[i + 1];
	}
	if (!out) {
		fputs("usage: patternc --out FILE.c [--locale-dir DIR]\n", stderr);
		return 2;
	}
	read_catalog();
	read_translations(locales);
	drop_ambiguous();
	add_breaks();
	int r = write_c(out);
	for (size_t i = 0; i < n_patterns; i++)
		free(patterns[i].text);
	free(patterns);
	return r;
}
