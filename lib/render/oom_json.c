/* oom_json.c: an OOM report as one JSON object, in the shape errwhy.h documents beside
 * ew_render_oom_json(). Outside text is kept, bad UTF-8 bytes as U+FFFD. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "json_text.h"

static json_t *events_json(const struct ew_oom_events *e)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "path", ew_json_text(e->path)) &&
		  ew_json_set(o, "error", ew_json_errno(e->error));

	if (!ok || e->error)
		return ew_json_ok(o, ok);
	ok = ew_json_set(o, "oom", json_integer((json_int_t)e->oom)) &&
	     ew_json_set(o, "oom_kill", json_integer((json_int_t)e->oom_kill)) &&
	     ew_json_set(o, "max", json_integer((json_int_t)e->max)) &&
	     ew_json_set(o, "high", json_integer((json_int_t)e->high)) &&
	     ew_json_set(o, "oom_group_kill", e->has_group_kill
						      ? json_integer((json_int_t)e->oom_group_kill)
						      : json_null());
	return ew_json_ok(o, ok);
}

static json_t *limit_json(const struct ew_oom_limit *l)
{
	json_t *o;
	bool ok;

	if (!l->set)
		return json_null();
	o = json_object();
	ok = ew_json_set(o, "bytes", json_integer((json_int_t)l->bytes)) &&
	     ew_json_set(o, "where", ew_json_text(l->where));
	return ew_json_ok(o, ok);
}

static json_t *limits_json(const struct ew_oom_report *r)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "memory.max", limit_json(&r->memory_max)) &&
		  ew_json_set(o, "memory.high", limit_json(&r->memory_high)) &&
		  ew_json_set(o, "memory.swap.max", limit_json(&r->swap_max));
	return ew_json_ok(o, ok);
}

static json_t *maybe(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static json_t *v1_json(const struct ew_oom_report *r)
{
	json_t *o;
	bool ok;

	if (r->cgroup_version != 1)
		return json_null();
	o = json_object();
	ok = ew_json_set(o, "under_oom", maybe(r->v1_under_oom)) &&
	     ew_json_set(o, "oom_kill", maybe(r->v1_oom_kill)) &&
	     ew_json_set(o, "error", ew_json_errno(r->v1_error));
	return ew_json_ok(o, ok);
}

static json_t *kmsg_json(const struct ew_oom_report *r)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "path", ew_json_text(r->kmsg_path)) &&
		  ew_json_set(o, "error", ew_json_errno(r->kmsg_error)) &&
		  ew_json_set(o, "dmesg_restrict", maybe(r->dmesg_restrict)) &&
		  ew_json_set(o, "kills_seen", json_integer((json_int_t)r->kills_seen));
	return ew_json_ok(o, ok);
}

/* "2026-12-02T08:51:23Z" */
static json_t *utc(int64_t usec)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;
	char text[32];

	if (usec < 0 || !gmtime_r(&t, &tm) ||
	    !strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(text);
}

static json_t *kill_json(const struct ew_oom_kill *k)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "pid", json_integer(k->pid)) &&
		  ew_json_set(o, "comm", ew_json_text(k->comm)) &&
		  ew_json_set(o, "anon_rss_kb", json_integer((json_int_t)k->anon_rss_kb)) &&
		  ew_json_set(o, "total_vm_kb", json_integer((json_int_t)k->total_vm_kb)) &&
		  ew_json_set(o, "uid",
			      k->uid == (uint32_t)-1 ? json_null() : json_integer(k->uid)) &&
		  ew_json_set(o, "memcg_oom", json_boolean(k->memcg_oom)) &&
		  ew_json_set(o, "memcg", ew_json_text(k->memcg)) &&
		  ew_json_set(o, "constraint", ew_json_text(k->constraint)) &&
		  ew_json_set(o, "boot_usec", json_integer((json_int_t)k->boot_usec)) &&
		  ew_json_set(o, "time", utc(k->wall_usec));
	return ew_json_ok(o, ok);
}

/* "killed", "no_kill" or "unknown": the same decision as the verdict line's. */
static const char *verdict_key(const struct ew_oom_report *r, const char *summary)
{
	if (ew_oom_last_kill(r) || strncmp(summary, "the OOM killer", 14) == 0)
		return "killed";
	return strncmp(summary, "no OOM", 6) == 0 ? "no_kill" : "unknown";
}

static bool put_lists(json_t *o, const struct ew_oom_report *r)
{
	json_t *anc = json_array(), *kills = json_array();
	bool ok = anc && kills;

	for (size_t i = 0; i < r->n_ancestors; i++)
		ok = ok && ew_json_append(anc, events_json(&r->ancestors[i]));
	for (size_t i = 0; i < r->n_kills; i++)
		ok = ok && ew_json_append(kills, kill_json(&r->kills[i]));
	ok = ew_json_set(o, "ancestors", anc) && ok;
	return ew_json_set(o, "kills", kills) && ok;
}

static json_t *report_json(const struct ew_oom_report *r, const char *summary)
{
	json_t *o = json_object();
	bool v2 = r->cgroup_version == 2 && r->cgroup;
	bool ok = ew_json_set(o, "verdict", json_string(verdict_key(r, summary))) &&
		  ew_json_set(o, "summary", ew_json_text(summary)) &&
		  ew_json_set(o, "cgroup_version", json_integer(r->cgroup_version)) &&
		  ew_json_set(o, "cgroup", ew_json_text(r->cgroup)) &&
		  ew_json_set(o, "cgroup_error", ew_json_errno(r->cgroup_error)) &&
		  ew_json_set(o, "events", v2 ? events_json(&r->events) : json_null()) &&
		  put_lists(o, r) && ew_json_set(o, "limits", limits_json(r)) &&
		  ew_json_set(o, "memory.current", maybe(r->current)) &&
		  ew_json_set(o, "memory.peak", maybe(r->peak)) &&
		  ew_json_set(o, "v1", v1_json(r)) && ew_json_set(o, "kmsg", kmsg_json(r));
	return ew_json_ok(o, ok);
}

json_t *ew_oom_report_json(const struct ew_oom_report *r)
{
	struct ew_buf summary;
	json_t *o;

	ew_buf_init(&summary);
	ew_render_oom_verdict(&summary, r);
	o = summary.failed ? NULL : report_json(r, summary.data ? summary.data : "");
	ew_buf_free(&summary);
	return o;
}

int ew_render_oom_json(struct ew_buf *b, const struct ew_oom_report *r, bool pretty)
{
	if (!b || !r)
		return -EINVAL;
	return ew_json_dump(b, ew_oom_report_json(r), pretty);
}
