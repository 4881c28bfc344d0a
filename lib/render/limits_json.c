/* limits_json.c: a limits report as one JSON object, in the shape errwhy.h documents beside
 * ew_render_limits_json(): a count that could not be read is null, beside its "error". */
#include <errno.h>

#include "json.h"
#include "json_text.h"

static json_t *count(uint64_t v, int error)
{
	return error ? json_null() : json_integer((json_int_t)v);
}

/* An rlimit: a number, or "unlimited". */
static json_t *rlimit(uint64_t v, int error)
{
	if (error)
		return json_null();
	return v == EW_LIMIT_UNLIMITED ? json_string("unlimited") : json_integer((json_int_t)v);
}

static json_t *maybe(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static json_t *kinds_json(const struct ew_limits_fds *f)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "socket", json_integer((json_int_t)f->socket)) &&
		  ew_json_set(o, "pipe", json_integer((json_int_t)f->pipe)) &&
		  ew_json_set(o, "file", json_integer((json_int_t)f->file)) &&
		  ew_json_set(o, "device", json_integer((json_int_t)f->device)) &&
		  ew_json_set(o, "anon", json_integer((json_int_t)f->anon)) &&
		  ew_json_set(o, "other", json_integer((json_int_t)f->other));
	return ew_json_ok(o, ok);
}

static json_t *fds_json(const struct ew_limits_fds *f)
{
	json_t *o = json_object(), *top = json_array();
	bool ok = o && top;

	for (size_t i = 0; i < f->n_top; i++) {
		json_t *g = json_object();
		bool gok = ew_json_set(g, "target", ew_json_text(f->top[i].target)) &&
			   ew_json_set(g, "kind", json_string(f->top[i].kind)) &&
			   ew_json_set(g, "count", json_integer((json_int_t)f->top[i].count));
		ok = ok && ew_json_append(top, ew_json_ok(g, gok));
	}
	ok = ew_json_set(o, "top", f->error ? (json_decref(top), json_null()) : top) && ok;
	ok = ok && ew_json_set(o, "open", count(f->open, f->error)) &&
	     ew_json_set(o, "soft", rlimit(f->soft, f->limit_error)) &&
	     ew_json_set(o, "hard", rlimit(f->hard, f->limit_error)) &&
	     ew_json_set(o, "nr_open", maybe(f->nr_open)) &&
	     ew_json_set(o, "kinds", f->error ? json_null() : kinds_json(f)) &&
	     ew_json_set(o, "error", ew_json_errno(f->error)) &&
	     ew_json_set(o, "limits_error", ew_json_errno(f->limit_error));
	return ew_json_ok(o, ok);
}

static json_t *system_files_json(const struct ew_limits_system_files *s)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "open", count(s->open, s->error)) &&
		  ew_json_set(o, "max", count(s->max, s->error)) &&
		  ew_json_set(o, "error", ew_json_errno(s->error));
	return ew_json_ok(o, ok);
}

static json_t *inotify_json(const struct ew_limits_inotify *in)
{
	json_t *o = json_object(), *top = json_array();
	bool ok = o && top;

	for (size_t i = 0; i < in->n_top; i++) {
		json_t *w = json_object();
		bool wok = ew_json_set(w, "pid", json_integer(in->top[i].pid)) &&
			   ew_json_set(w, "comm", ew_json_text(in->top[i].comm)) &&
			   ew_json_set(w, "instances", json_integer((json_int_t)in->top[i].instances)) &&
			   ew_json_set(w, "watches", json_integer((json_int_t)in->top[i].watches));
		ok = ok && ew_json_append(top, ew_json_ok(w, wok));
	}
	ok = ew_json_set(o, "top", top) && ok;
	ok = ok && ew_json_set(o, "instances", count(in->instances, in->error)) &&
	     ew_json_set(o, "max_instances", maybe(in->max_instances)) &&
	     ew_json_set(o, "watches", count(in->watches, in->error)) &&
	     ew_json_set(o, "max_watches", maybe(in->max_watches)) &&
	     ew_json_set(o, "unreadable", json_integer(in->unreadable)) &&
	     ew_json_set(o, "error", ew_json_errno(in->error));
	return ew_json_ok(o, ok);
}

static json_t *processes_json(const struct ew_limits_report *r)
{
	const struct ew_limits_processes *p = &r->processes;
	json_t *o = json_object();
	bool ok = ew_json_set(o, "user", ew_json_text(r->user)) &&
		  ew_json_set(o, "uid", json_integer(r->uid)) &&
		  ew_json_set(o, "processes", count(p->processes, p->error)) &&
		  ew_json_set(o, "threads", count(p->threads, p->error)) &&
		  ew_json_set(o, "soft", rlimit(p->soft, p->limit_error)) &&
		  ew_json_set(o, "hard", rlimit(p->hard, p->limit_error)) &&
		  ew_json_set(o, "enforced", json_boolean(r->uid != 0)) &&
		  ew_json_set(o, "threads_max", maybe(p->threads_max)) &&
		  ew_json_set(o, "system_threads", maybe(p->system_threads)) &&
		  ew_json_set(o, "error", ew_json_errno(p->error)) &&
		  ew_json_set(o, "limits_error", ew_json_errno(p->limit_error));
	return ew_json_ok(o, ok);
}

static json_t *maps_json(const struct ew_limits_maps *m)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "count", count(m->count, m->error)) &&
		  ew_json_set(o, "max", maybe(m->max)) &&
		  ew_json_set(o, "error", ew_json_errno(m->error));
	return ew_json_ok(o, ok);
}

/* Adds the part under key when it is shown; true when it is not. */
static bool part(json_t *o, unsigned parts, unsigned bit, const char *key, json_t *(*f)(const void *),
		 const void *arg)
{
	return !(parts & bit) || ew_json_set(o, key, f(arg));
}

static json_t *fds_of(const void *r) { return fds_json(&((const struct ew_limits_report *)r)->fds); }
static json_t *files_of(const void *r)
{
	return system_files_json(&((const struct ew_limits_report *)r)->system_files);
}
static json_t *inotify_of(const void *r)
{
	return inotify_json(&((const struct ew_limits_report *)r)->inotify);
}
static json_t *processes_of(const void *r) { return processes_json(r); }
static json_t *maps_of(const void *r) { return maps_json(&((const struct ew_limits_report *)r)->maps); }

static json_t *report_json(const struct ew_limits_report *r, unsigned parts, const char *summary)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "pid", json_integer(r->pid)) &&
		  ew_json_set(o, "comm", ew_json_text(r->comm)) &&
		  ew_json_set(o, "parent", json_boolean(r->parent)) &&
		  ew_json_set(o, "uid", json_integer(r->uid)) &&
		  ew_json_set(o, "user", ew_json_text(r->user)) &&
		  ew_json_set(o, "unit", ew_json_text(r->unit)) &&
		  ew_json_set(o, "container", ew_json_text(r->container)) &&
		  ew_json_set(o, "summary", ew_json_text(summary)) &&
		  part(o, parts, EW_LIMITS_FDS, "fds", fds_of, r) &&
		  part(o, parts, EW_LIMITS_SYSTEM_FILES, "system_files", files_of, r) &&
		  part(o, parts, EW_LIMITS_INOTIFY, "inotify", inotify_of, r) &&
		  part(o, parts, EW_LIMITS_PROCESSES, "processes", processes_of, r) &&
		  part(o, parts, EW_LIMITS_MAPS, "maps", maps_of, r);
	return ew_json_ok(o, ok);
}

json_t *ew_limits_report_json(const struct ew_limits_report *r, unsigned parts)
{
	struct ew_buf summary;
	json_t *o;

	parts &= r->parts;
	ew_buf_init(&summary);
	ew_render_limits_verdict(&summary, r, parts);
	o = summary.failed ? NULL : report_json(r, parts, summary.data ? summary.data : "");
	ew_buf_free(&summary);
	return o;
}

int ew_render_limits_json(struct ew_buf *b, const struct ew_limits_report *r, unsigned parts,
			  bool pretty)
{
	if (!b || !r)
		return -EINVAL;
	return ew_json_dump(b, ew_limits_report_json(r, parts), pretty);
}
