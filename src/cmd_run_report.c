/* cmd_run_report.c: what errwhy run says after a failed command: its status, and the errors
 * liberrwhy's recogniser found in its output, most frequent first, as text or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

static bool same_error(const struct run_error *e, const struct ew_hit *hit)
{
	return strcmp(e->name, hit->name ? hit->name : "") == 0 &&
	       strcmp(e->family, hit->family ? hit->family : "") == 0;
}

/* The recogniser's callback: one more sighting of an error, or a new one. */
static int on_hit(const struct ew_hit *hit, const char *line, size_t line_len, void *ctx)
{
	struct run_report *rep = ctx;
	struct run_error *e;

	(void)line;
	(void)line_len;
	for (size_t i = 0; i < rep->n_errors; i++) {
		if (same_error(&rep->errors[i], hit)) {
			rep->errors[i].count++;
			return 0;
		}
	}
	if (rep->n_errors == RUN_MAX_ERRORS) {
		rep->dropped++;
		return 0;
	}
	e = &rep->errors[rep->n_errors++];
	snprintf(e->family, sizeof(e->family), "%s", hit->family ? hit->family : "");
	snprintf(e->name, sizeof(e->name), "%s", hit->name ? hit->name : "");
	e->entry = hit->entry;
	e->context = hit->context;
	e->count = 1;
	return 0;
}

struct ew_scanner *run_scanner_new(struct run_report *rep)
{
	struct ew_scanner *s = NULL;
	int ret = ew_scanner_new(&s, on_hit, rep);

	if (ret < 0) {
		rep->scan_error = ret;
		return NULL;
	}
	return s;
}

enum { TEXT, ESC, CSI, OSC, OSC_ESC, CR };

/* The text of buf without its escape sequences, into out (at most n bytes): ESC [ ... final
 * byte (CSI: colours, cursor moves), ESC ] ... BEL or ESC \ (OSC: titles, links), ESC and one
 * byte (the rest); \r\n is \n and a lone \r is \n. Returns the length. */
static size_t plain_text(int *state, const char *buf, size_t n, char *out)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		switch (*state) {
		case ESC:
			*state = c == '[' ? CSI : c == ']' ? OSC : TEXT;
			continue;
		case CSI:
			if (c >= 0x40 && c <= 0x7e)
				*state = TEXT;
			continue;
		case OSC:
			if (c == 0x07)
				*state = TEXT;
			else if (c == 0x1b)
				*state = OSC_ESC;
			continue;
		case OSC_ESC:
			*state = c == '\\' ? TEXT : OSC;
			continue;
		case CR:
			*state = TEXT;
			if (c == '\n')
				continue; /* the \n that ended the line went out with the \r */
			break;
		}
		if (c == 0x1b)
			*state = ESC;
		else if (c == '\r')
			*state = CR, out[len++] = '\n';
		else
			out[len++] = (char)c;
	}
	return len;
}

void run_scanner_feed(struct run_report *rep, struct ew_scanner **s, int *filter,
		      const char *buf, size_t n)
{
	char *text;
	size_t len;
	int ret;

	if (!*s)
		return;
	text = malloc(n ? n : 1);
	if (!text) {
		ret = -ENOMEM;
		goto fail;
	}
	len = plain_text(filter, buf, n, text);
	ret = len ? ew_scanner_feed(*s, text, len) : 0;
	free(text);
	if (ret >= 0)
		return;
fail:
	if (!rep->scan_error)
		rep->scan_error = ret;
	ew_scanner_free(*s);
	*s = NULL;
}

void run_scanner_end(struct run_report *rep, struct ew_scanner **s)
{
	int ret;

	if (!*s)
		return;
	ret = ew_scanner_end(*s);
	if (ret < 0 && !rep->scan_error)
		rep->scan_error = ret;
	ew_scanner_free(*s);
	*s = NULL;
}

/* Most frequent first; among equals, the first seen (the table is in order of sighting, and
 * this sort is stable by its index tie-break). */
static void rank(const struct run_report *rep, size_t *order)
{
	for (size_t i = 0; i < rep->n_errors; i++)
		order[i] = i;
	for (size_t i = 1; i < rep->n_errors; i++) {
		size_t k = order[i], j = i;
		for (; j > 0 && rep->errors[order[j - 1]].count < rep->errors[k].count; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
}

/* The command line as a shell would read it back: an argument with spaces or quotes in
 * single quotes. Then escaped and cut, as every outside text is. */
static void put_command(struct ew_buf *b, char **argv)
{
	struct ew_buf line;

	ew_buf_init(&line);
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool plain = a[0] && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					       "0123456789_./:=@%+,-") == strlen(a);
		if (i)
			ew_buf_putc(&line, ' ');
		if (plain) {
			ew_buf_puts(&line, a);
			continue;
		}
		ew_buf_putc(&line, '\'');
		for (; *a; a++)
			ew_buf_puts(&line, *a == '\'' ? "'\\''" : (char[]){*a, 0});
		ew_buf_putc(&line, '\'');
	}
	ew_buf_puts(b, ew_cli_quote(line.data ? line.data : ""));
	ew_buf_free(&line);
}

static void put_status(struct ew_buf *b, int st)
{
	if (WIFSIGNALED(st)) {
		const char *name = ew_signal_name(WTERMSIG(st));
		ew_buf_printf(b, "was killed by signal %d", WTERMSIG(st));
		if (name)
			ew_buf_printf(b, " (%s)", name);
		ew_buf_printf(b, ", exit status %d", 128 + WTERMSIG(st));
	} else {
		ew_buf_printf(b, "exited with status %d", WEXITSTATUS(st));
	}
}

static void put_rule(struct ew_buf *b)
{
	unsigned width = ew_cli_width();

	if (width > 72)
		width = 72;
	for (unsigned i = 0; i < width; i++)
		ew_buf_putc(b, '-');
	ew_buf_putc(b, '\n');
}

static bool failed(const struct run *r)
{
	return !WIFEXITED(r->wait_status) || WEXITSTATUS(r->wait_status) != 0;
}

/* The catalog's entry for the signal that killed the command, or NULL. */
static const struct ew_entry *killing_signal(int st)
{
	struct ew_match m;
	char number[16];

	if (!WIFSIGNALED(st))
		return NULL;
	snprintf(number, sizeof(number), "%d", WTERMSIG(st));
	return ew_lookup_in(number, EW_FAMILY_SIGNAL, &m, 1, NULL) == 1 ? m.entry : NULL;
}

/* A command a signal killed printed nothing about it: the signal's whole page says what it
 * means, who sends it and what to do. */
static void explain_signal(const struct run *r, struct ew_buf *b)
{
	const struct ew_entry *e = killing_signal(r->wait_status);
	struct ew_text_style st = {.width = ew_cli_width()};

	if (!e)
		return;
	ew_buf_putc(b, '\n');
	if (ew_render_text(b, &(struct ew_match){.entry = e, .kind = EW_MATCH_NUMBER,
						 .as_name = e->name, .system = -1,
						 .number = e->number},
			   &st, NULL) < 0)
		b->failed = true;
}

static void explain_text(const struct run *r, struct ew_buf *b)
{
	const struct run_report *rep = &r->report;
	size_t order[RUN_MAX_ERRORS];
	size_t shown = rep->n_errors < RUN_SHOW_ERRORS ? rep->n_errors : RUN_SHOW_ERRORS;
	/* In pty mode with stderr on the same terminal, what the command printed last is what
	 * stdout carried. */
	int last = r->pty && r->err.from < 0 ? r->last_out : r->last_err;

	if (last >= 0 && last != '\n')
		ew_buf_putc(b, '\n');
	put_rule(b);
	ew_buf_puts(b, "errwhy: ");
	put_command(b, r->argv);
	ew_buf_putc(b, ' ');
	put_status(b, r->wait_status);
	ew_buf_putc(b, '\n');
	rank(rep, order);
	for (size_t i = 0; i < shown; i++) {
		const struct run_error *e = &rep->errors[order[i]];
		size_t mark = b->len;

		ew_buf_puts(b, "  ");
		if (e->entry && ew_render_brief(b, e->entry, NULL) == 0 && b->len > mark &&
		    b->data[b->len - 1] == '\n')
			b->len--; /* the brief line's newline: the context follows on it */
		else if (!e->entry)
			ew_buf_printf(b, "%s (%s)", e->name, e->family);
		/* ": port 3000, address ::, listen", what the first sighting said, if anything. */
		mark = b->len;
		ew_buf_puts(b, ": ");
		ew_render_hit_context(b, &(struct ew_hit){.context = e->context});
		if (!b->failed && b->len == mark + 2)
			b->data[b->len = mark] = '\0';
		if (e->count > 1)
			ew_buf_printf(b, " (%lu times)", e->count);
		ew_buf_putc(b, '\n');
		if (e->entry)
			ew_buf_printf(b, "    errwhy %s   what it means and how to fix it\n", e->name);
	}
	if (rep->n_errors > shown)
		ew_buf_printf(b, "  and %zu other errors\n", rep->n_errors - shown);
	if (rep->scan_error)
		ew_buf_printf(b, "errwhy: errors in the output could not be recognised: %s\n",
			      rep->scan_error == -ELIBACC && ew_identify_error()
				      ? ew_identify_error()
				      : strerror(-rep->scan_error));
	explain_signal(r, b);
}

/* A JSON string of text made printable by errwhy's escaping: only " and \ remain to quote. */
static void put_json_string(struct ew_buf *b, const char *s, size_t max_chars)
{
	struct ew_buf esc;

	ew_buf_init(&esc);
	ew_buf_append_escaped(&esc, s, strlen(s), max_chars);
	ew_buf_putc(b, '"');
	for (size_t i = 0; esc.data && i < esc.len; i++) {
		if (esc.data[i] == '"' || esc.data[i] == '\\')
			ew_buf_putc(b, '\\');
		ew_buf_putc(b, esc.data[i]);
	}
	ew_buf_putc(b, '"');
	ew_buf_free(&esc);
}

static void json_context(struct ew_buf *b, const struct ew_context *c)
{
	const char *sep = "";

	ew_buf_puts(b, "{");
	if (c->port >= 0) {
		ew_buf_printf(b, "\"port\":%d", c->port);
		sep = ",";
	}
	if (c->address[0]) {
		ew_buf_printf(b, "%s\"address\":", sep);
		put_json_string(b, c->address, SIZE_MAX);
		sep = ",";
	}
	if (c->path[0]) {
		ew_buf_printf(b, "%s\"path\":", sep);
		put_json_string(b, c->path, SIZE_MAX);
		sep = ",";
	}
	if (c->syscall[0]) {
		ew_buf_printf(b, "%s\"syscall\":", sep);
		put_json_string(b, c->syscall, SIZE_MAX);
		sep = ",";
	}
	if (c->pid >= 0)
		ew_buf_printf(b, "%s\"pid\":%ld", sep, c->pid);
	ew_buf_puts(b, "}");
}

static void explain_json(const struct run *r, struct ew_buf *b)
{
	const struct run_report *rep = &r->report;
	size_t order[RUN_MAX_ERRORS];
	int st = r->wait_status;
	const struct ew_entry *signal_entry = killing_signal(st);

	ew_buf_puts(b, "{\"command\":[");
	for (size_t i = 0; r->argv[i]; i++) {
		if (i)
			ew_buf_putc(b, ',');
		put_json_string(b, r->argv[i], SIZE_MAX);
	}
	ew_buf_printf(b, "],\"status\":%d,\"signal\":",
		      WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st));
	if (WIFSIGNALED(st) && ew_signal_name(WTERMSIG(st)))
		ew_buf_printf(b, "\"%s\"", ew_signal_name(WTERMSIG(st)));
	else
		ew_buf_puts(b, "null");
	/* The signal's entry, as errwhy --json SIGNAL gives it (it ends in a newline). */
	ew_buf_puts(b, ",\"signal_entry\":");
	if (signal_entry && ew_render_json_entry(b, signal_entry, false) == 0)
		b->len--;
	else
		ew_buf_puts(b, "null");
	ew_buf_printf(b, ",\"started\":%s,\"errors\":[", r->exec_errno ? "false" : "true");
	rank(rep, order);
	for (size_t i = 0; i < rep->n_errors; i++) {
		const struct run_error *e = &rep->errors[order[i]];
		if (i)
			ew_buf_putc(b, ',');
		ew_buf_puts(b, "{\"family\":");
		put_json_string(b, e->family, SIZE_MAX);
		ew_buf_puts(b, ",\"name\":");
		put_json_string(b, e->name, SIZE_MAX);
		if (e->entry)
			ew_buf_printf(b, ",\"number\":%d", e->entry->number);
		ew_buf_printf(b, ",\"count\":%lu,\"context\":", e->count);
		json_context(b, &e->context);
		ew_buf_puts(b, "}");
	}
	ew_buf_puts(b, "],\"recognised\":");
	if (rep->scan_error) {
		ew_buf_puts(b, "false,\"recognise_error\":");
		put_json_string(b, rep->scan_error == -ELIBACC && ew_identify_error()
					   ? ew_identify_error()
					   : strerror(-rep->scan_error),
				SIZE_MAX);
	} else {
		ew_buf_puts(b, "true");
	}
	ew_buf_puts(b, "}\n");
}

void run_explain(const struct run *r)
{
	struct ew_buf b;
	size_t done = 0;

	if (r->quiet || (!r->json && !failed(r)))
		return;
	ew_buf_init(&b);
	if (r->json)
		explain_json(r, &b);
	else
		explain_text(r, &b);
	if (b.failed) {
		ew_buf_free(&b);
		fputs("errwhy run: out of memory while explaining the failure\n", stderr);
		return;
	}
	while (done < b.len) {
		ssize_t n = write(STDERR_FILENO, b.data + done, b.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	ew_buf_free(&b);
}
