/* proof.c: the parts of catalogc that make an entry's claims checkable (catalog/README.md):
 * the shape of Source: lines, the built-in reproduction that is compiled into liberrwhy, and
 * --extract, which hands every trigger, fix and check to the tests that run them. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalogc.h"

/* ---- Source: lines ---------------------------------------------------------------------- */

/* The folders of a kernel tree a claim may point into. */
static const char *const kernel_dirs[] = {
	"arch/", "block/", "crypto/", "drivers/", "fs/", "include/", "init/", "io_uring/", "ipc/",
	"kernel/", "lib/", "mm/", "net/", "security/", "sound/", "virt/",
};

/* "v6.1" or "2.36": digits, a dot, digits, and maybe one more dot and digits. */
static size_t version_len(const char *s)
{
	size_t n = 0, dots = 0;

	while (isdigit((unsigned char)s[n]) || (s[n] == '.' && n && dots < 2 && ++dots))
		n++;
	return dots && isdigit((unsigned char)s[n - 1]) ? n : 0;
}

/* "path/file.c" and, after it, an optional " (function)"; returns the length, 0 if bad. */
static size_t location_len(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./");

	if (n < 3 || s[n - 2] != '.' || (s[n - 1] != 'c' && s[n - 1] != 'h'))
		return 0;
	if (s[n] == ' ' && s[n + 1] == '(') {
		size_t f = strspn(s + n + 2, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
		if (!f || s[n + 2 + f] != ')')
			return 0;
		n += 3 + f;
	}
	return n;
}

/* The length of one item at s ("mmap(2) \"phrase\"", "<h.h>", "linux v6.1 fs/x.c (f)"), or 0. */
static size_t claim_item_len(const char *s)
{
	size_t n = 0, v;

	if (starts_with(s, "linux v")) {
		if (!(v = version_len(s + 7)) || s[7 + v] != ' ')
			return 0;
		n = 8 + v;
		bool known = false;
		for (size_t k = 0; k < sizeof(kernel_dirs) / sizeof(kernel_dirs[0]); k++)
			known |= starts_with(s + n, kernel_dirs[k]);
		v = known ? location_len(s + n) : 0;
		return v ? n + v : 0;
	}
	if (starts_with(s, "glibc ")) {
		if (!(v = version_len(s + 6)) || s[6 + v] != ' ')
			return 0;
		n = 7 + v;
		v = location_len(s + n);
		return v ? n + v : 0;
	}
	/* systemd numbers its releases without dots: "systemd v252 src/core/execute.c". */
	if (starts_with(s, "systemd v")) {
		if (!(v = strspn(s + 9, "0123456789")) || s[9 + v] != ' ' ||
		    !starts_with(s + 10 + v, "src/"))
			return 0;
		n = 10 + v;
		v = location_len(s + n);
		return v ? n + v : 0;
	}
	/* A page or header ends at ", ", at a quoted phrase, or at the end. */
	n = strcspn(s, " ,");
	char *item = strndup(s, n);
	bool ok = item && valid_source(item);
	free(item);
	if (!ok)
		return 0;
	if (s[0] != '<' && s[n] == ' ' && s[n + 1] == '"') {
		const char *close = strchr(s + n + 2, '"');
		if (!close || close == s + n + 2)
			return 0;
		n = (size_t)(close + 1 - s);
	}
	return n;
}

/* A kernel entry's "## Sources" may name the kernel's own file: no man page has its codes. */
bool valid_kernel_source(const char *s)
{
	return starts_with(s, "linux v") && claim_item_len(s) == strlen(s);
}

void check_claim_source(const char *path, int line, const char *value)
{
	const char *s = value;

	if (blank(s)) {
		lint(path, line, "an empty Source: line");
		return;
	}
	for (;;) {
		size_t n = claim_item_len(s);
		if (!n) {
			lint(path, line, "Source: cannot read '%s': expected page(n) [\"phrase\"], "
			     "<header.h>, linux vX.Y dir/file.c [(function)], glibc X.Y file.c or "
			     "systemd vN src/file.c", s);
			return;
		}
		s += n;
		if (!*s)
			return;
		if (!starts_with(s, ", ")) {
			lint(path, line, "Source: items are separated by ', ' (at '%s')", s);
			return;
		}
		s += 2;
	}
}

/* ---- Built-in reproduction -------------------------------------------------------------- */

/* "Call: ..." and one ```c block, or "Not reproduced: ...". */
void parse_builtin(struct parser *p, struct entry *e)
{
	int at = lineno(p);
	char *lang;

	/* A repeated section was reported already; the last one counts. */
	free(e->repro_call);
	free(e->unreproduced);
	free(e->repro_body.lang);
	free(e->repro_body.text);
	e->repro_call = e->unreproduced = NULL;
	e->repro_body = (struct code){0};
	skip_blank(p);
	char *para = peek(p) ? read_paragraphs(p, NULL) : NULL;
	if (para && starts_with(para, "Not reproduced: ")) {
		e->unreproduced = xstrdup(para + strlen("Not reproduced: "));
	} else if (para && starts_with(para, "Call: ")) {
		e->repro_call = xstrdup(para + strlen("Call: "));
		skip_blank(p);
		if (peek(p) && starts_with(peek(p), "```")) {
			int code_at = lineno(p);
			p->hidden_code = true;
			char *text = read_fence(p, &lang);
			p->hidden_code = false;
			if (strcmp(lang, "c") != 0)
				lint(p->path, code_at, "a built-in reproduction is a ```c block");
			e->repro_body = (struct code){lang, text, code_at + 1};
		}
		if (!e->repro_body.text)
			lint(p->path, at, "'Call:' is followed by the reproduction's ```c block");
	} else {
		lint(p->path, at, "'Built-in reproduction' holds 'Call: ...' and a ```c block, or "
		     "'Not reproduced: why'");
	}
	free(para);
	skip_blank(p);
	if (peek(p) && !at_heading(p))
		lint(p->path, lineno(p), "unexpected text in 'Built-in reproduction'");
}

static int cmp_by_name(const void *a, const void *b)
{
	return strcmp((*(const struct entry *const *)a)->name,
		      (*(const struct entry *const *)b)->name);
}

/* Each body inside its function, #line pointing back at the entry, so that a compiler's
 * warning names the catalog file and line; then the table, sorted by name. */
void put_repros(FILE *out, const struct entry *entries, size_t n)
{
	const struct entry **with = calloc(n ? n : 1, sizeof(*with));
	size_t k = 0;

	if (!with) {
		fprintf(stderr, "catalogc: out of memory\n");
		exit(2);
	}
	for (size_t i = 0; i < n; i++)
		if (entries[i].repro_body.text)
			with[k++] = &entries[i];
	qsort(with, k, sizeof(*with), cmp_by_name);
	for (size_t i = 0; i < k; i++) {
		fprintf(out, "static int ew_repro_fn_%s(struct ew_repro *r)\n{\n\t(void)r;\n",
			with[i]->name);
		fprintf(out, "#line %d ", with[i]->repro_body.line);
		put_cstr(out, with[i]->path);
		fprintf(out, "\n%s\n}\n\n", with[i]->repro_body.text);
	}
	/* The #line above moved the file's idea of itself; give it back. */
	fputs("#line 1 \"catalog_data.c (generated)\"\n", out);
	fprintf(out, "const struct ew_repro_case ew_catalog_repros[%zu] = {\n", k ? k : 1);
	for (size_t i = 0; i < k; i++) {
		if (strlen(with[i]->name) >= 32) { /* EW_REPRO_NAME_MAX, lib/catalog.h */
			fprintf(stderr, "catalogc: %s: the name is too long for ew_repro_case\n",
				with[i]->name);
			exit(1);
		}
		fprintf(out, "\t{\"%s\"},\n", with[i]->name);
	}
	if (!k)
		fputs("\t{\"\"},\n", out);
	fprintf(out, "};\nconst size_t ew_catalog_n_repros = %zu;\n\n", k);
	fputs("ew_repro_body *ew_catalog_repro_fn(size_t i)\n{\n\tswitch (i) {\n", out);
	for (size_t i = 0; i < k; i++)
		fprintf(out, "\tcase %zu: return ew_repro_fn_%s;\n", i, with[i]->name);
	fputs("\tdefault: return NULL;\n\t}\n}\n", out);
	free(with);
}

/* ---- --extract -------------------------------------------------------------------------- */

static int write_text(const char *dir, const char *name, const char *prefix, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "catalogc: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%s%s\n", prefix ? prefix : "", text);
	if (fclose(f) != 0) {
		fprintf(stderr, "catalogc: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Where a block came from, as the first line of its file: #line for C, so the compiler's
 * messages name the catalog. Shell gets nothing: a first line is where a shebang goes. */
static void origin(char *buf, size_t size, const char *lang, const char *path, int line)
{
	if (starts_with(lang, "c"))
		snprintf(buf, size, "#line %d \"%s\"\n", line + 1, path);
	else
		buf[0] = '\0';
}

static int extract_fix(const struct entry *e, const struct fix *f, size_t i, const char *dir)
{
	char name[64], head[4200];
	int rc = 0;

	for (size_t k = 0; k < f->n_code; k++) {
		const struct code *c = &f->code[k];
		if (strcmp(c->lang, "c") != 0 && strcmp(c->lang, "sh") != 0)
			continue; /* other languages are extra examples, not checked here */
		snprintf(name, sizeof(name), "fix%zu-%zu.%s", i + 1, k + 1, c->lang);
		origin(head, sizeof(head), c->lang, e->path, c->line);
		rc |= write_text(dir, name, head, c->text);
	}
	if (f->check.lang) {
		snprintf(name, sizeof(name), "fix%zu.check.%s", i + 1,
			 starts_with(f->check.lang, "c") ? "c" : "sh");
		origin(head, sizeof(head), f->check.lang, e->path, f->check.line);
		rc |= write_text(dir, name, head, f->check.text);
	}
	return rc;
}

static int extract_entry(const struct entry *e, const char *root)
{
	char dir[4096], head[4200];
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s", root, e->name);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "catalogc: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (e->repro_command) {
		origin(head, sizeof(head), "sh", e->path, e->repro_line);
		rc |= write_text(dir, "trigger.sh", head, e->repro_command);
		rc |= write_text(dir, "trigger.mode", NULL,
				 blank(e->repro_mode) ? "nobody" : e->repro_mode);
		if (e->repro_output)
			rc |= write_text(dir, "trigger.out", NULL, e->repro_output);
	}
	for (size_t i = 0; i < e->n_fixes; i++)
		rc |= extract_fix(e, &e->fixes[i], i, dir);
	return rc;
}

/* dir/NAME/trigger.sh, trigger.mode (nobody, root or "unchecked: why"), trigger.out;
 * fixN-K.c and fixN-K.sh (block K of fix N), fixN.check.c or fixN.check.sh. */
int extract_examples(const struct entry *entries, size_t n, const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "catalogc: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (extract_entry(&entries[i], dir) < 0)
			return -1;
	return 0;
}
