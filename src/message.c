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
	struct ew_limits_report *limits;
	struct ew_path_report *path;
};

/* What a message says was done to its path (the context's operation: the program's words,
 * "cannot remove", or its call), else what the error implies: EROFS, ETXTBSY and ENOSPC come
 * from writing, EEXIST from creating, EXDEV from renaming, and when nothing is said EBUSY
 * from removing and EISDIR from writing; else reading, which is what open(2) and stat(2),
 * the commonest calls in messages, need. A plain "open" tells no flags, so an error that no
 * read can give overrides it. */
static struct ew_path_query path_query(const struct ew_hit *h)
{
	static const struct { const char *word; enum ew_path_op op; } ops[] = {
		{"read", EW_PATH_READ},     {"write", EW_PATH_WRITE},   {"create", EW_PATH_CREATE},
		{"delete", EW_PATH_DELETE}, {"exec", EW_PATH_EXEC},     {"list", EW_PATH_LIST},
		{"search", EW_PATH_SEARCH}, {"rename", EW_PATH_RENAME},
	};
	static const struct { const char *name; enum ew_path_op op; bool over_read; } errors[] = {
		{"EROFS", EW_PATH_WRITE, true},  {"ETXTBSY", EW_PATH_WRITE, true},
		{"ENOSPC", EW_PATH_WRITE, true}, {"EEXIST", EW_PATH_CREATE, true},
		{"EXDEV", EW_PATH_RENAME, true}, {"EBUSY", EW_PATH_DELETE, false},
		{"EISDIR", EW_PATH_WRITE, false},
	};
	const struct ew_context *c = &h->context;
	struct ew_path_query q = {.path = c->path, .op = EW_PATH_READ};
	bool said = false;

	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops) && !said; i++)
		if (strcmp(c->file_op, ops[i].word) == 0) {
			q.op = ops[i].op;
			said = true;
		}
	for (size_t i = 0; i < sizeof(errors) / sizeof(*errors); i++)
		if (strcmp(h->entry->name, errors[i].name) == 0 &&
		    (!said || (q.op == EW_PATH_READ && errors[i].over_read)))
			q.op = errors[i].op;
	if (q.op == EW_PATH_RENAME && c->rename_to[0])
		q.rename_to = c->rename_to;
	else if (q.op == EW_PATH_RENAME)
		q.op = EW_PATH_DELETE; /* the old name's side of a rename, all it can judge */
	return q;
}

/* The limits a recognised error calls for: EMFILE's and ENFILE's always; ENOSPC's when the
 * message is inotify's ("System limit for number of file watchers reached", "inotify watch
 * limit reached"), not a full disk; EAGAIN's from fork, ENOMEM's from mmap, when the message
 * names that call. span is the recognised text. */
static unsigned limits_for_hit(const struct ew_hit *h, const char *span)
{
	unsigned parts = ew_limits_applies(h->entry);
	const char *call = h->context.syscall;

	if (parts & (EW_LIMITS_FDS | EW_LIMITS_SYSTEM_FILES))
		return parts;
	if (parts == EW_LIMITS_INOTIFY)
		return strcasestr(span, "watch") || strcasestr(span, "inotify") ||
			       strcmp(call, "watch") == 0
			       ? parts
			       : 0;
	if (parts == EW_LIMITS_PROCESSES)
		return strcmp(call, "fork") == 0 || strcmp(call, "clone") == 0 ||
			       strcmp(call, "pthread_create") == 0
			       ? parts
			       : 0;
	if (parts == EW_LIMITS_MAPS)
		return strcmp(call, "mmap") == 0 ? parts : 0;
	return 0;
}

static struct ew_diagnosis diagnose_hit(const struct ew_hit *h, const char *span, int pid,
					struct reports *rep)
{
	unsigned parts;

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
	/* The process --pid names, else errwhy's parent: the shell the message was pasted in. */
	parts = limits_for_hit(h, span);
	if (parts && ew_limits_report_build(&rep->limits, pid, parts) < 0)
		rep->limits = NULL;
	/* An inotify ENOSPC is about the limit, not the disk the watched path is on. */
	if (h->context.path[0] && ew_path_applies(h->entry) && parts != EW_LIMITS_INOTIFY) {
		struct ew_path_query q = path_query(h);
		if (ew_path_report_build(&rep->path, &q) < 0)
			rep->path = NULL;
	}
	return (struct ew_diagnosis){.port = rep->port, .oom = rep->oom, .resolver = rep->resolver,
				     .limits = rep->limits, .path = rep->path};
}

static void reports_free(struct reports *rep)
{
	ew_port_report_free(rep->port);
	ew_oom_report_free(rep->oom);
	ew_resolv_report_free(rep->resolver);
	ew_limits_report_free(rep->limits);
	ew_path_report_free(rep->path);
}

/* As the text: one error gets its "on_this_machine" (the text shows its page), several only
 * their entries. */
static int render_json(const struct found *f, const struct ew_message_opts *o,
		       struct ew_buf *out)
{
	struct ew_match m[HITS_MAX];
	struct reports rep = {0};
	struct ew_diagnosis diag = {0};
	int r;

	for (size_t i = 0; i < f->n; i++)
		m[i] = (struct ew_match){.entry = f->hits[i].entry, .kind = EW_MATCH_MESSAGE,
					 .as_name = f->hits[i].entry ? f->hits[i].entry->name : NULL,
					 .system = -1, .number = f->hits[i].number,
					 .hit = &f->hits[i], .hit_text = f->spans[i]};
	if (f->n == 1 && f->hits[0].entry && !o->brief)
		diag = diagnose_hit(&f->hits[0], f->spans[0], o->pid, &rep);
	r = ew_render_json(out, m, f->n, true, &diag);
	reports_free(&rep);
	return r < 0 ? EW_EXIT_SYSTEM : EW_EXIT_OK;
}

static int render_text(const struct found *f, const struct ew_message_opts *o,
		       struct ew_buf *out)
{
	if (f->n == 1 && f->hits[0].entry && !o->brief) {
		const struct ew_hit *h = &f->hits[0];
		struct reports rep;
		struct ew_diagnosis diag = diagnose_hit(h, f->spans[0], o->pid, &rep);
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
	return o->json ? render_json(f, o, out) : render_text(f, o, out);
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
