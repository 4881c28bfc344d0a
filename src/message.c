/* message.c: `errwhy "<message>"` and `... | errwhy`: what the recogniser found, the line
 * "Recognised EADDRINUSE (Node.js): port 3000, address ::, listen", then the page of the error
 * (with "On this machine" when the message names a port or a path, or is SIGKILL's, 137's or
 * a getaddrinfo code's), or for several errors the brief line of each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "message.h"

#define HITS_MAX 64     /* distinct errors shown from one message */
#define SPAN_SHOWN 200  /* characters of a recognised span kept for --json */

struct found {
	struct ew_hit hits[HITS_MAX];
	char spans[HITS_MAX][SPAN_SHOWN * 4 + 8];
	size_t n;
};

static void keep_span(struct found *f, size_t i, const char *s, size_t n)
{
	struct ew_buf b;
	ew_buf_init(&b);
	ew_buf_append_escaped(&b, s, n, SPAN_SHOWN);
	snprintf(f->spans[i], sizeof(f->spans[i]), "%s", b.data && !b.failed ? b.data : "");
	ew_buf_free(&b);
}

/* ---- rendering ---- */

/* The "On this machine" reports of one recognised error: who holds the port it names; the
 * OOM kills of errwhy's cgroup for SIGKILL and 137; the resolver's configuration for a
 * getaddrinfo code. No host name is checked against /etc/hosts: the context has no field for
 * the name looked up, and its address is not that name (in Go's "lookup db on
 * 127.0.0.53:53: no such host" it is the nameserver's). A help, not the answer: a failure to
 * look is left out. */
struct reports {
	struct ew_port_report *port;
	struct ew_oom_report *oom;
	struct ew_resolv_report *resolver;
	struct ew_path_report *path;
};

/* What a message's call did to its path, for errwhy path. The call's name decides when the
 * message has one; else the error does (EROFS, ETXTBSY, EISDIR and ENOSPC come from writing,
 * EEXIST from creating, EBUSY and EXDEV from removing or renaming a name); else reading,
 * which is what open(2) and stat(2), the commonest calls in messages, need. */
static enum ew_path_op path_op(const struct ew_hit *h)
{
	static const struct { const char *call; enum ew_path_op op; } calls[] = {
		{"mkdir", EW_PATH_CREATE}, {"mkdirat", EW_PATH_CREATE}, {"creat", EW_PATH_CREATE},
		{"mknod", EW_PATH_CREATE}, {"mkfifo", EW_PATH_CREATE}, {"symlink", EW_PATH_CREATE},
		{"link", EW_PATH_CREATE}, {"unlink", EW_PATH_DELETE}, {"unlinkat", EW_PATH_DELETE},
		{"rmdir", EW_PATH_DELETE}, {"rename", EW_PATH_DELETE}, {"renameat", EW_PATH_DELETE},
		{"execve", EW_PATH_EXEC}, {"exec", EW_PATH_EXEC}, {"spawn", EW_PATH_EXEC},
		{"scandir", EW_PATH_LIST}, {"opendir", EW_PATH_LIST}, {"chdir", EW_PATH_SEARCH},
		{"open", EW_PATH_READ}, {"openat", EW_PATH_READ}, {"stat", EW_PATH_READ},
		{"lstat", EW_PATH_READ}, {"access", EW_PATH_READ},
	};
	static const struct { const char *name; enum ew_path_op op; } errors[] = {
		{"EROFS", EW_PATH_WRITE}, {"ETXTBSY", EW_PATH_WRITE}, {"EISDIR", EW_PATH_WRITE},
		{"ENOSPC", EW_PATH_WRITE}, {"EEXIST", EW_PATH_CREATE}, {"EBUSY", EW_PATH_DELETE},
		{"EXDEV", EW_PATH_DELETE},
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++)
		if (strcmp(h->context.syscall, calls[i].call) == 0 &&
		    (calls[i].op != EW_PATH_READ || !h->entry))
			return calls[i].op;
	for (size_t i = 0; h->entry && i < sizeof(errors) / sizeof(*errors); i++)
		if (strcmp(h->entry->name, errors[i].name) == 0)
			return errors[i].op;
	return EW_PATH_READ;
}

static struct ew_diagnosis diagnose_hit(const struct ew_hit *h, struct reports *rep)
{
	*rep = (struct reports){0};
	if (!h->entry)
		return (struct ew_diagnosis){0};
	if (h->context.port >= 0 &&
	    ew_port_report_build(&rep->port, (uint16_t)h->context.port, 0) < 0)
		rep->port = NULL;
	if (ew_oom_applies(h->entry) && ew_oom_report_build(&rep->oom, NULL) < 0)
		rep->oom = NULL;
	if (ew_resolv_applies(h->entry) && ew_resolv_report_build(&rep->resolver, NULL, NULL) < 0)
		rep->resolver = NULL;
	if (h->context.path[0] && ew_path_applies(h->entry)) {
		struct ew_path_query q = {.path = h->context.path, .op = path_op(h)};
		if (ew_path_report_build(&rep->path, &q) < 0)
			rep->path = NULL;
	}
	return (struct ew_diagnosis){.port = rep->port, .oom = rep->oom, .resolver = rep->resolver,
				     .path = rep->path};
}

static void reports_free(struct reports *rep)
{
	ew_port_report_free(rep->port);
	ew_oom_report_free(rep->oom);
	ew_resolv_report_free(rep->resolver);
	ew_path_report_free(rep->path);
}

static int render_json(const struct found *f, struct ew_buf *out)
{
	struct ew_match m[HITS_MAX];
	for (size_t i = 0; i < f->n; i++)
		m[i] = (struct ew_match){.entry = f->hits[i].entry, .kind = EW_MATCH_MESSAGE,
					 .as_name = f->hits[i].entry ? f->hits[i].entry->name : NULL,
					 .system = -1, .number = f->hits[i].number,
					 .hit = &f->hits[i], .hit_text = f->spans[i]};
	return ew_render_json(out, m, f->n, true, NULL) < 0 ? EW_EXIT_SYSTEM : EW_EXIT_OK;
}

static int render_text(const struct found *f, const struct ew_message_opts *o,
		       struct ew_buf *out)
{
	if (f->n == 1 && f->hits[0].entry && !o->brief) {
		const struct ew_hit *h = &f->hits[0];
		struct reports rep;
		struct ew_diagnosis diag = diagnose_hit(h, &rep);
		struct ew_match m = {.entry = h->entry, .kind = EW_MATCH_MESSAGE,
				     .as_name = h->entry->name, .system = -1, .hit = h};
		ew_render_hit_line(out, h);
		ew_buf_putc(out, '\n');
		int r = ew_render_text(out, &m, &o->style, &diag);
		reports_free(&rep);
		return r < 0 ? EW_EXIT_SYSTEM : EW_EXIT_OK;
	}
	for (size_t i = 0; i < f->n; i++) {
		ew_render_hit_line(out, &f->hits[i]);
		if (f->hits[i].entry) {
			ew_buf_puts(out, "    ");
			ew_render_brief(out, f->hits[i].entry, NULL);
		}
	}
	if (!o->brief && f->n > 1)
		ew_buf_puts(out, "\nThe page of each: errwhy NAME\n");
	return out->failed ? EW_EXIT_SYSTEM : EW_EXIT_OK;
}

static int render(const struct found *f, const struct ew_message_opts *o, struct ew_buf *out)
{
	if (f->n == 0)
		return EW_EXIT_NO;
	return o->json ? render_json(f, out) : render_text(f, o, out);
}

static int cannot_recognise(int r)
{
	if (r == -ELIBACC)
		return ew_cli_fail(EW_EXIT_SYSTEM, "cannot recognise errors in text: %s",
				   ew_identify_error());
	return ew_cli_fail(EW_EXIT_SYSTEM, "cannot recognise errors in text: %s", strerror(-r));
}

/* ---- one message in memory ---- */

int ew_answer_message(const char *text, size_t n, const struct ew_message_opts *o,
		      struct ew_buf *out)
{
	struct found *f = calloc(1, sizeof(*f));
	int err, status;

	if (!f)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	f->n = ew_identify(text, n, f->hits, HITS_MAX, NULL, &err);
	if (err < 0) {
		free(f);
		return cannot_recognise(err);
	}
	for (size_t i = 0; i < f->n; i++)
		keep_span(f, i, text + f->hits[i].start, f->hits[i].len);
	status = render(f, o, out);
	free(f);
	return status;
}

/* ---- standard input, streamed ---- */

static int on_hit(const struct ew_hit *h, const char *line, size_t len, void *ctx)
{
	struct found *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		if (ew_hit_same_error(&f->hits[i], h))
			return 0; /* the first sighting is the one shown */
	if (f->n == HITS_MAX)
		return 0;
	f->hits[f->n] = *h;
	keep_span(f, f->n, line + h->start, h->start <= len ? (h->len < len - h->start ? h->len : len - h->start) : 0);
	f->n++;
	return 0;
}

int ew_answer_stdin(const struct ew_message_opts *o, struct ew_buf *out)
{
	struct found *f = calloc(1, sizeof(*f));
	struct ew_scanner *s = NULL;
	char buf[65536];
	ssize_t got;
	size_t total = 0;
	int r, status;

	if (!f)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	r = ew_scanner_new(&s, on_hit, f);
	while (r == 0 && (got = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		r = got < 0 ? -errno : ew_scanner_feed(s, buf, (size_t)got);
		total += got > 0 ? (size_t)got : 0;
	}
	if (r == 0)
		r = ew_scanner_end(s);
	ew_scanner_free(s);
	if (r < 0) {
		free(f);
		return cannot_recognise(r);
	}
	status = total == 0 ? EW_EXIT_USAGE : render(f, o, out);
	free(f);
	return status;
}
