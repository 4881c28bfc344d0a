/* cmd_scan.c: `errwhy scan [--json] [FILE...]`: every error in a log. Files (or standard
 * input) are read as they come, gzip'd or not, in constant memory. Text output is a summary
 * table (error, count, first and last line, one example), then the brief line of each error;
 * --json prints one JSON object per hit (JSON Lines) as they are found. Exit status as grep's:
 * 0 something was found, 1 nothing, 2 usage, 3 a file could not be read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gz.h"

static const char usage_text[] =
	"usage: errwhy scan [--json] [FILE...]\n"
	"\n"
	"Finds every error in a log: names (EADDRINUSE), numbers in an error context\n"
	"([Errno 98], (os error 98), error -98), strerror texts in any case and in glibc's\n"
	"languages, and the forms programs print (Go, Java, Windows, Docker, ...).\n"
	"FILE - or no FILE reads standard input; gzip'd files are read as such.\n"
	"\n"
	"  --json      one JSON object per hit (JSON Lines): line, family, name, text,\n"
	"              ecosystem, context {port, address, path, syscall, operation,\n"
	"              rename_to, pid}\n"
	"  -h, --help  this text\n"
	"\n"
	"exit status: 0 an error was found, 1 none, 2 the command line is wrong,\n"
	"3 a file could not be read (the others are still scanned)\n";

#define EXAMPLE_MAX 100 /* characters of the example line in the table */
#define FLUSH_AT (64 * 1024)
#define NAMES_MAX 512

struct tally {
	const struct ew_entry *entry;
	const char *name, *family;
	unsigned long long count;
	unsigned long long first, last;
	char *file;
	char *example;
};

struct scan {
	bool json;
	int n_files;
	const char *file;      /* the one being read */
	struct tally t[NAMES_MAX];
	size_t n;
	unsigned long long hits;
	struct ew_buf out;
};

static struct tally *tally_of(struct scan *s, const struct ew_hit *h)
{
	for (size_t i = 0; i < s->n; i++)
		if (h->entry ? s->t[i].entry == h->entry : strcmp(s->t[i].name, h->name) == 0)
			return &s->t[i];
	if (s->n == NAMES_MAX)
		return NULL;
	s->t[s->n] = (struct tally){.entry = h->entry, .name = h->name, .family = h->family};
	return &s->t[s->n++];
}

static char *escaped(const char *s, size_t n, size_t max)
{
	struct ew_buf b;
	ew_buf_init(&b);
	ew_buf_append_escaped(&b, s, n, max);
	if (b.failed) {
		ew_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

static int on_hit(const struct ew_hit *h, const char *line, size_t len, void *ctx)
{
	struct scan *s = ctx;
	struct tally *t;

	s->hits++;
	if (s->json) {
		if (ew_render_hit_json(&s->out, h, line, len, s->n_files > 1 ? s->file : NULL) < 0)
			return -ENOMEM;
		if (s->out.len >= FLUSH_AT) {
			int r = ew_cli_write(&s->out);
			s->out.len = 0;
			if (r)
				return -EIO;
		}
		return s->out.failed ? -ENOMEM : 0;
	}
	t = tally_of(s, h);
	if (!t)
		return 0;
	if (t->count++ == 0) {
		t->first = h->line;
		t->file = strdup(s->file);
		t->example = escaped(line, len, EXAMPLE_MAX);
	}
	t->last = h->line;
	return 0;
}

static int scan_fd(struct ew_scanner *sc, int fd)
{
	struct ew_input *in;
	char buf[1 << 16];
	ssize_t got;
	int r = ew_input_open(&in, fd);

	if (r < 0)
		return r;
	while ((got = ew_input_read(in, buf, sizeof(buf))) > 0)
		if ((r = ew_scanner_feed(sc, buf, (size_t)got)) != 0)
			break;
	if (got < 0)
		r = (int)got;
	ew_input_close(in);
	return r;
}

static void file_error(const char *file, int r)
{
	const char *why = r == -ELIBACC || r == -ESPIPE ? ew_gz_error()
			  : r == -EBADMSG ? ew_gz_error() : strerror(-r);
	ew_cli_fail(EW_EXIT_SYSTEM, "%s: %s", ew_cli_quote(file), why);
}

/* One file: a scanner of its own, so line numbers start at 1 in each. */
static int scan_file(struct scan *s, const char *file)
{
	struct ew_scanner *sc;
	bool is_stdin = strcmp(file, "-") == 0;
	int fd = is_stdin ? dup(STDIN_FILENO) : open(file, O_RDONLY | O_CLOEXEC);
	int r;

	s->file = is_stdin ? "(standard input)" : file;
	if (fd < 0) {
		file_error(file, -errno);
		return EW_EXIT_SYSTEM;
	}
	r = ew_scanner_new(&sc, on_hit, s);
	if (r < 0) {
		close(fd);
		return ew_cli_fail(EW_EXIT_SYSTEM, "cannot recognise errors in text: %s",
				   r == -ELIBACC ? ew_identify_error() : strerror(-r));
	}
	r = scan_fd(sc, fd);
	if (r == 0)
		r = ew_scanner_end(sc);
	ew_scanner_free(sc);
	if (r < 0) {
		file_error(file, r);
		return EW_EXIT_SYSTEM;
	}
	return EW_EXIT_OK;
}

static void summary(struct scan *s)
{
	struct ew_buf *b = &s->out;

	ew_buf_printf(b, "%-16s %8s %8s %8s  %s\n", "ERROR", "COUNT", "FIRST", "LAST", "EXAMPLE");
	for (size_t i = 0; i < s->n; i++) {
		struct tally *t = &s->t[i];
		ew_buf_printf(b, "%-16s %8llu %8llu %8llu  ", t->name, t->count, t->first, t->last);
		if (s->n_files > 1 && t->file) {
			ew_buf_put_escaped(b, t->file);
			ew_buf_puts(b, ": ");
		}
		ew_buf_puts(b, t->example ? t->example : "");
		ew_buf_putc(b, '\n');
	}
	ew_buf_putc(b, '\n');
	for (size_t i = 0; i < s->n; i++) {
		if (s->t[i].entry)
			ew_render_brief(b, s->t[i].entry, NULL);
		else
			ew_buf_printf(b, "%s (a getaddrinfo error: its own entries come later)\n",
				      s->t[i].name);
	}
}

static int cmp_tally(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	return (x->count < y->count) - (x->count > y->count);
}

int ew_cmd_scan(int argc, char **argv)
{
	struct scan *s = calloc(1, sizeof(*s));
	int status = EW_EXIT_OK, n_files = 0, wrote;
	bool end_of_options = false;
	char **files = calloc((size_t)argc + 1, sizeof(*files));

	if (!s || !files) {
		free(s);
		free(files);
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (end_of_options || a[0] != '-' || strcmp(a, "-") == 0)
			files[n_files++] = argv[i];
		else if (strcmp(a, "--") == 0)
			end_of_options = true;
		else if (strcmp(a, "--json") == 0)
			s->json = true;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			free(files);
			free(s);
			return EW_EXIT_OK;
		} else {
			free(files);
			free(s);
			return ew_cli_usage_error("errwhy scan", "unknown option '%s'", ew_cli_quote(a));
		}
	}
	if (n_files == 0)
		files[n_files++] = "-";
	s->n_files = n_files;
	ew_buf_init(&s->out);
	for (int i = 0; i < n_files; i++) {
		int r = scan_file(s, files[i]);
		if (r != EW_EXIT_OK)
			status = r;
	}
	if (!s->json && s->n) {
		qsort(s->t, s->n, sizeof(*s->t), cmp_tally);
		summary(s);
	}
	wrote = s->out.failed ? ew_cli_fail(EW_EXIT_SYSTEM, "out of memory") : ew_cli_write(&s->out);
	for (size_t i = 0; i < s->n; i++) {
		free(s->t[i].file);
		free(s->t[i].example);
	}
	ew_buf_free(&s->out);
	if (status == EW_EXIT_OK && s->hits == 0)
		status = EW_EXIT_NO;
	free(files);
	free(s);
	return wrote != EW_EXIT_OK ? wrote : status;
}
