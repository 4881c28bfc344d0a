/* oom_text.c: an OOM report in words: the verdict (who was killed, when, where, by which
 * limit; or that nothing was; or why errwhy cannot tell), then what each source said. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "render.h"

/* "512M", "1.5G", "4096": in the largest unit that keeps it at 1 or more, exact when the
 * number is round (as memory.max values usually are), else to one decimal. */
static void size_text(struct ew_buf *b, uint64_t bytes)
{
	static const char units[] = "KMGT";
	uint64_t scale = 1;
	int u = -1;

	while (u < 3 && bytes / scale >= 1024)
		scale *= 1024, u++;
	if (u < 0)
		ew_buf_printf(b, "%" PRIu64, bytes);
	else if (bytes % scale == 0)
		ew_buf_printf(b, "%" PRIu64 "%c", bytes / scale, units[u]);
	else
		ew_buf_printf(b, "%.1f%c", (double)bytes / (double)scale, units[u]);
}

/* "3 minutes ago", from microseconds since the epoch. */
static void ago(struct ew_buf *b, int64_t wall_usec)
{
	struct timespec now;
	long long d;

	clock_gettime(CLOCK_REALTIME, &now);
	d = (long long)(now.tv_sec - wall_usec / 1000000);
	if (d < 0)
		d = 0;
	if (d < 120)
		ew_buf_printf(b, "%lld seconds ago", d);
	else if (d < 2 * 3600)
		ew_buf_printf(b, "%lld minutes ago", d / 60);
	else if (d < 2 * 86400)
		ew_buf_printf(b, "%lld hours ago", d / 3600);
	else
		ew_buf_printf(b, "%lld days ago", d / 86400);
}

static const char *name_or_self(const struct ew_oom_report *r)
{
	return r->cgroup ? r->cgroup : "this cgroup";
}

/* " (memory.max 512M)", or "... on /system.slice)" when a parent sets it. */
static void limit_note(struct ew_buf *b, const struct ew_oom_report *r)
{
	const struct ew_oom_limit *l = r->memory_max.set ? &r->memory_max : &r->memory_high;
	const char *name = r->memory_max.set ? "memory.max" : "memory.high";

	if (!l->set)
		return;
	ew_buf_printf(b, " (%s ", r->cgroup_version == 1 ? "memory.limit_in_bytes" : name);
	size_text(b, l->bytes);
	if (l->where && r->cgroup && strcmp(l->where, r->cgroup) != 0) {
		ew_buf_puts(b, " on ");
		ew_buf_put_escaped(b, l->where);
	}
	ew_buf_putc(b, ')');
}

/* "/dev/kmsg: Operation not permitted (dmesg_restrict=1; run as root)" */
static void kmsg_problem(struct ew_buf *b, const struct ew_oom_report *r)
{
	ew_buf_put_escaped(b, r->kmsg_path);
	ew_buf_printf(b, ": %s", strerror(-r->kmsg_error));
	if ((r->kmsg_error == -EPERM || r->kmsg_error == -EACCES) && r->dmesg_restrict == 1)
		ew_buf_puts(b, " (dmesg_restrict=1; run as root)");
}

/* The cgroup's own kill count and where it was read, or false when it is unknown. */
static bool own_kills(const struct ew_oom_report *r, uint64_t *n, const char **source)
{
	if (r->cgroup_version == 2 && r->cgroup && r->events.error == 0) {
		*n = r->events.oom_kill;
		*source = "memory.events";
		return true;
	}
	if (r->cgroup_version == 1 && r->v1_oom_kill >= 0) {
		*n = (uint64_t)r->v1_oom_kill;
		*source = "memory.oom_control";
		return true;
	}
	return false;
}

static void could_not_tell(struct ew_buf *b, const struct ew_oom_report *r)
{
	const char *sep = "";

	ew_buf_puts(b, "could not tell whether the OOM killer struck: ");
	if (r->kmsg_error) {
		kmsg_problem(b, r);
		sep = ", ";
	}
	if (r->cgroup_version == 0)
		ew_buf_printf(b, "%sno cgroup memory controller mounted", sep);
	else if (!r->cgroup)
		ew_buf_printf(b, "%sthe cgroup could not be found (%s)", sep,
			      strerror(-r->cgroup_error));
	else if (strcmp(r->cgroup, "/") == 0)
		ew_buf_printf(b, "%sthe root cgroup has no memory.events (name a pid, unit or "
			      "cgroup)", sep);
	else if (r->cgroup_version == 2)
		ew_buf_printf(b, "%smemory.events not readable (%s)", sep,
			      strerror(-r->events.error));
	else
		ew_buf_printf(b, "%smemory.oom_control not readable (%s)", sep,
			      strerror(-r->v1_error));
}

int ew_render_oom_verdict(struct ew_buf *b, const struct ew_oom_report *r)
{
	const struct ew_oom_kill *k;
	const char *source;
	uint64_t n;

	if (!b || !r)
		return -EINVAL;
	if ((k = ew_oom_last_kill(r))) {
		ew_buf_puts(b, "the OOM killer killed ");
		ew_buf_put_escaped(b, k->comm[0] ? k->comm : "?");
		ew_buf_printf(b, " (pid %d) ", k->pid);
		ago(b, k->wall_usec);
		ew_buf_puts(b, " in ");
		ew_buf_put_escaped(b, k->memcg);
		limit_note(b, r);
	} else if (own_kills(r, &n, &source) && n > 0) {
		ew_buf_printf(b, "the OOM killer killed %" PRIu64 " process%s in ", n,
			      n == 1 ? "" : "es");
		ew_buf_put_escaped(b, r->cgroup);
		limit_note(b, r);
		ew_buf_printf(b, ": %s oom_kill %" PRIu64, source, n);
	} else if (own_kills(r, &n, &source)) {
		ew_buf_puts(b, "no OOM kill recorded for ");
		ew_buf_put_escaped(b, name_or_self(r));
		ew_buf_printf(b, ": %s oom_kill 0", source);
	} else {
		could_not_tell(b, r);
	}
	return b->failed ? -ENOMEM : 0;
}

static void events_line(struct ew_buf *b, const char *label, const struct ew_oom_events *e)
{
	ew_buf_printf(b, "  %s", label);
	ew_buf_put_escaped(b, e->path);
	if (e->error) {
		ew_buf_printf(b, ": memory.events not readable: %s\n", strerror(-e->error));
		return;
	}
	ew_buf_printf(b, ": oom %" PRIu64 ", oom_kill %" PRIu64 ", max %" PRIu64 ", high %" PRIu64,
		      e->oom, e->oom_kill, e->max, e->high);
	if (e->has_group_kill)
		ew_buf_printf(b, ", oom_group_kill %" PRIu64, e->oom_group_kill);
	ew_buf_putc(b, '\n');
}

static void limit_line(struct ew_buf *b, const char *name, const struct ew_oom_limit *l)
{
	ew_buf_printf(b, "  %s: ", name);
	if (!l->set) {
		ew_buf_puts(b, "no limit on the path\n");
		return;
	}
	size_text(b, l->bytes);
	ew_buf_puts(b, " (set on ");
	ew_buf_put_escaped(b, l->where);
	ew_buf_puts(b, ")\n");
}

static void usage_lines(struct ew_buf *b, const struct ew_oom_report *r)
{
	bool v1 = r->cgroup_version == 1;

	if (r->current >= 0) {
		ew_buf_printf(b, "  %s: ", v1 ? "memory.usage_in_bytes" : "memory.current");
		size_text(b, (uint64_t)r->current);
		ew_buf_putc(b, '\n');
	}
	if (r->peak >= 0) {
		ew_buf_printf(b, "  %s: ", v1 ? "memory.max_usage_in_bytes" : "memory.peak");
		size_text(b, (uint64_t)r->peak);
		ew_buf_putc(b, '\n');
	}
}

static void cgroup_details(struct ew_buf *b, const struct ew_oom_report *r)
{
	if (!r->cgroup)
		return;
	ew_buf_puts(b, "  cgroup: ");
	ew_buf_put_escaped(b, r->cgroup);
	ew_buf_printf(b, " (cgroup v%d)\n", r->cgroup_version);
	if (r->cgroup_version == 2) {
		events_line(b, "", &r->events);
		for (size_t i = 0; i < r->n_ancestors; i++)
			events_line(b, "parent ", &r->ancestors[i]);
		limit_line(b, "memory.max", &r->memory_max);
		limit_line(b, "memory.high", &r->memory_high);
		limit_line(b, "memory.swap.max", &r->swap_max);
	} else {
		ew_buf_puts(b, "  cgroup v1: memory.oom_control: ");
		if (r->v1_error)
			ew_buf_printf(b, "not readable: %s\n", strerror(-r->v1_error));
		else
			ew_buf_printf(b, "under_oom %d, oom_kill %lld\n", r->v1_under_oom,
				      (long long)r->v1_oom_kill);
		limit_line(b, "memory.limit_in_bytes", &r->memory_max);
	}
	usage_lines(b, r);
}

static void kill_line(struct ew_buf *b, const struct ew_oom_kill *k)
{
	time_t t = (time_t)(k->wall_usec / 1000000);
	struct tm tm;
	char when[32] = "?";

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	ew_buf_printf(b, "    %s  ", when);
	ew_buf_put_escaped(b, k->comm[0] ? k->comm : "?");
	ew_buf_printf(b, " (pid %d), anon-rss ", k->pid);
	size_text(b, k->anon_rss_kb * 1024);
	ew_buf_puts(b, k->memcg_oom ? ", a cgroup's limit" : ", system-wide");
	if (k->memcg) {
		ew_buf_puts(b, ", in ");
		ew_buf_put_escaped(b, k->memcg);
	}
	ew_buf_putc(b, '\n');
}

static void kmsg_details(struct ew_buf *b, const struct ew_oom_report *r)
{
	ew_buf_puts(b, "  kernel log: ");
	if (r->kmsg_error) {
		kmsg_problem(b, r);
		ew_buf_putc(b, '\n');
		return;
	}
	ew_buf_printf(b, "%zu OOM kill%s recorded", r->kills_seen, r->kills_seen == 1 ? "" : "s");
	if (r->kills_seen > r->n_kills)
		ew_buf_printf(b, ", the last %zu", r->n_kills);
	ew_buf_puts(b, r->n_kills ? ":\n" : "\n");
	for (size_t i = 0; i < r->n_kills; i++)
		kill_line(b, &r->kills[i]);
}

int ew_render_oom_text(struct ew_buf *b, const struct ew_oom_report *r,
		       const struct ew_text_style *st)
{
	int e;

	(void)st; /* every line is short and carries outside data: not wrapped */
	if (!b || !r)
		return -EINVAL;
	if ((e = ew_render_oom_verdict(b, r)) < 0)
		return e;
	ew_buf_putc(b, '\n');
	cgroup_details(b, r);
	kmsg_details(b, r);
	return b->failed ? -ENOMEM : 0;
}
