/* limits_text.c: a limits report in words: the closest limit first, then for each part how
 * much of its limit is used and what would raise it (the command, the unit setting, the
 * sysctl and where it is kept). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render.h"

#define CLOSE_PERCENT 80 /* from here on a count is "close to" its limit */

/* One count against its limit, the unit of comparison for the verdict. */
struct usage {
	const char *what;  /* "open files" */
	const char *error; /* the errno its limit gives: "EMFILE" */
	uint64_t count, limit;
};

static unsigned percent(uint64_t count, uint64_t limit)
{
	if (limit == 0)
		return count ? 100 : 0;
	if (count >= limit)
		return 100;
	return (unsigned)((double)count * 100.0 / (double)limit);
}

static bool limited(int64_t v)
{
	return v >= 0 && (uint64_t)v != EW_LIMIT_UNLIMITED;
}

/* "60 of 64 (93%)", "60 of the soft limit 64 (93%)" with a name, or "60 (no limit)". */
static void of_named(struct ew_buf *b, uint64_t count, const char *name, uint64_t limit)
{
	if (limit == EW_LIMIT_UNLIMITED) {
		ew_buf_printf(b, "%" PRIu64 " (no limit)", count);
		return;
	}
	ew_buf_printf(b, "%" PRIu64 " of %s%s%" PRIu64 " (%u%%", count, name ? name : "",
		      name ? " " : "", limit, percent(count, limit));
	if (count >= limit)
		ew_buf_puts(b, ", at the limit");
	else if (percent(count, limit) >= CLOSE_PERCENT)
		ew_buf_puts(b, ", close to it");
	ew_buf_putc(b, ')');
}

static void of(struct ew_buf *b, uint64_t count, uint64_t limit)
{
	of_named(b, count, NULL, limit);
}

static void limit_text(struct ew_buf *b, uint64_t v)
{
	if (v == EW_LIMIT_UNLIMITED)
		ew_buf_puts(b, "unlimited");
	else
		ew_buf_printf(b, "%" PRIu64, v);
}

/* Every count of the report's shown parts whose limit is known, for the verdict. */
static size_t usages(const struct ew_limits_report *r, unsigned parts, struct usage *u)
{
	size_t n = 0;

	if (parts & EW_LIMITS_FDS && !r->fds.error && !r->fds.limit_error)
		u[n++] = (struct usage){"open files", "EMFILE", r->fds.open, r->fds.soft};
	if (parts & EW_LIMITS_SYSTEM_FILES && !r->system_files.error)
		u[n++] = (struct usage){"the system's open files", "ENFILE", r->system_files.open,
					r->system_files.max};
	if (parts & EW_LIMITS_INOTIFY && !r->inotify.error) {
		if (limited(r->inotify.max_instances))
			u[n++] = (struct usage){"inotify instances", "EMFILE", r->inotify.instances,
						(uint64_t)r->inotify.max_instances};
		if (limited(r->inotify.max_watches))
			u[n++] = (struct usage){"inotify watches", "ENOSPC", r->inotify.watches,
						(uint64_t)r->inotify.max_watches};
	}
	/* Root's processes are not held to RLIMIT_NPROC (setrlimit(2)). */
	if (parts & EW_LIMITS_PROCESSES && !r->processes.error && !r->processes.limit_error &&
	    r->uid != 0)
		u[n++] = (struct usage){"the user's threads", "EAGAIN", r->processes.threads,
					r->processes.soft};
	if (parts & EW_LIMITS_MAPS && !r->maps.error && limited(r->maps.max))
		u[n++] = (struct usage){"memory maps", "ENOMEM", r->maps.count,
					(uint64_t)r->maps.max};
	return n;
}

/* Why a file of another process was refused, and what would help. */
static const char *denied_hint(const struct ew_limits_report *r, int error)
{
	if (error != -EACCES && error != -EPERM)
		return "";
	return r->caller_uid ? " (run as root or as its user)"
			     : " (even to root: it is not dumpable, or of another user namespace)";
}

static void who(struct ew_buf *b, const struct ew_limits_report *r)
{
	ew_buf_put_escaped(b, r->comm[0] ? r->comm : "?");
	ew_buf_printf(b, " (pid %d", r->pid);
	if (r->parent)
		ew_buf_puts(b, ", errwhy's parent");
	ew_buf_puts(b, ")");
}

int ew_render_limits_verdict(struct ew_buf *b, const struct ew_limits_report *r, unsigned parts)
{
	struct usage u[8];
	size_t n, best = 0;

	if (!b || !r)
		return -EINVAL;
	parts &= r->parts;
	n = usages(r, parts, u);
	for (size_t i = 1; i < n; i++)
		if (u[i].limit != EW_LIMIT_UNLIMITED &&
		    (u[best].limit == EW_LIMIT_UNLIMITED ||
		     percent(u[i].count, u[i].limit) > percent(u[best].count, u[best].limit)))
			best = i;
	who(b, r);
	if (n == 0 || u[best].limit == EW_LIMIT_UNLIMITED) {
		ew_buf_puts(b, ": no limit could be compared (see below)");
	} else if (u[best].count >= u[best].limit) {
		ew_buf_printf(b, ": %s at the limit, ", u[best].what);
		of(b, u[best].count, u[best].limit);
		ew_buf_printf(b, ": the next one fails with %s", u[best].error);
	} else if (percent(u[best].count, u[best].limit) >= CLOSE_PERCENT) {
		ew_buf_printf(b, ": %s close to the limit (%s), ", u[best].what, u[best].error);
		of(b, u[best].count, u[best].limit);
	} else {
		ew_buf_printf(b, ": no limit is close; the closest is %s, ", u[best].what);
		of(b, u[best].count, u[best].limit);
	}
	return b->failed ? -ENOMEM : 0;
}

/* A line that carries outside text, wrapped: built whole in a scratch buffer first. */
static void wrapped(struct ew_buf *b, const struct ew_buf *line, unsigned width)
{
	if (line->failed)
		b->failed = true;
	else if (line->len)
		ew_wrap_plain(b, line->data, 4, 6, width);
}

/* The systemd unit that could carry a setting, and how to edit it: services only, since a
 * scope runs no process of its own (systemd.exec(5) settings are a service's). */
static bool unit_hint(struct ew_buf *l, const struct ew_limits_report *r, const char *setting,
		      const char *value)
{
	size_t n = r->unit ? strlen(r->unit) : 0;

	if (n < 8 || strcmp(r->unit + n - 8, ".service") != 0)
		return false;
	ew_buf_printf(l, "%s=%s in ", setting, value);
	ew_buf_put_escaped(l, r->unit);
	ew_buf_printf(l, " (systemctl%s edit ", r->user_unit ? " --user" : "");
	ew_buf_put_escaped(l, r->unit);
	ew_buf_puts(l, ", then restart it)");
	return true;
}

static void sysctl_hint(struct ew_buf *b, const char *name, int64_t now, unsigned width)
{
	struct ew_buf l;
	uint64_t more = now > 0 ? (uint64_t)now * 2 : 0;

	ew_buf_init(&l);
	ew_buf_printf(&l, "raise: sysctl -w %s=N as root (N: e.g. %" PRIu64 "); to keep it after a "
		      "reboot, the line \"%s = N\" in a file under /etc/sysctl.d/",
		      name, more, name);
	wrapped(b, &l, width);
	ew_buf_free(&l);
}

static void fds_part(struct ew_buf *b, const struct ew_limits_report *r, unsigned width)
{
	const struct ew_limits_fds *f = &r->fds;
	struct ew_buf l;
	char value[32];

	ew_buf_puts(b, "  open files: ");
	if (f->error)
		ew_buf_printf(b, "/proc/%d/fd could not be read: %s%s\n", r->pid,
			      strerror(-f->error), denied_hint(r, f->error));
	else if (f->limit_error)
		ew_buf_printf(b, "%" PRIu64 " (/proc/%d/limits: %s)\n", f->open, r->pid,
			      strerror(-f->limit_error));
	else {
		of_named(b, f->open, "the soft limit", f->soft);
		ew_buf_puts(b, "; hard limit ");
		limit_text(b, f->hard);
		ew_buf_putc(b, '\n');
	}
	if (!f->error && f->open) {
		const struct {
			const char *one, *many;
			uint64_t n;
		} kinds[] = {{"file", "files", f->file},	  {"socket", "sockets", f->socket},
			     {"pipe", "pipes", f->pipe},	  {"anon inode", "anon inodes", f->anon},
			     {"device", "devices", f->device}, {"other", "other", f->other}};
		const char *sep = " ";
		ew_buf_puts(b, "    kinds:");
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (kinds[i].n) {
				ew_buf_printf(b, "%s%" PRIu64 " %s", sep, kinds[i].n,
					      kinds[i].n == 1 ? kinds[i].one : kinds[i].many);
				sep = ", ";
			}
		ew_buf_putc(b, '\n');
		ew_buf_init(&l);
		ew_buf_puts(&l, "most: ");
		for (size_t i = 0; i < f->n_top; i++) {
			ew_buf_puts(&l, i ? ", " : "");
			ew_buf_put_escaped(&l, f->top[i].target);
			ew_buf_printf(&l, " %" PRIu64, f->top[i].count);
		}
		wrapped(b, &l, width);
		ew_buf_free(&l);
	}
	if (f->limit_error)
		return;
	/* What to change: the running process's limit now (prlimit(1)), and where the next
	 * start takes it from. The soft limit can go up to the hard one without privilege. */
	ew_buf_init(&l);
	if (f->hard != EW_LIMIT_UNLIMITED && f->soft < f->hard)
		snprintf(value, sizeof(value), "%" PRIu64, f->hard);
	else if (f->soft != EW_LIMIT_UNLIMITED)
		snprintf(value, sizeof(value), "%" PRIu64, f->soft * 2);
	else
		snprintf(value, sizeof(value), "N");
	ew_buf_printf(&l, "raise: prlimit --pid %d --nofile=%s:%s for the running process%s; for "
		      "the next start, ", r->pid, value, value,
		      f->soft < f->hard ? "" : " (a hard limit goes up only with CAP_SYS_RESOURCE: root)");
	if (!unit_hint(&l, r, "LimitNOFILE", value))
		ew_buf_printf(&l, "ulimit -n %s in the shell that starts it", value);
	if (f->nr_open >= 0)
		ew_buf_printf(&l, "; no hard limit can pass fs.nr_open %" PRId64, f->nr_open);
	if (f->soft <= 1024 && (f->hard == EW_LIMIT_UNLIMITED || f->hard > 1024))
		ew_buf_puts(&l, "; a program that uses select() cannot use fds above 1023");
	wrapped(b, &l, width);
	ew_buf_free(&l);
}

static void system_files_part(struct ew_buf *b, const struct ew_limits_report *r,
			      unsigned width)
{
	const struct ew_limits_system_files *s = &r->system_files;

	ew_buf_puts(b, "  the system's open files: ");
	if (s->error) {
		ew_buf_printf(b, "/proc/sys/fs/file-nr could not be read: %s\n", strerror(-s->error));
		return;
	}
	of_named(b, s->open, "fs.file-max", s->max);
	ew_buf_putc(b, '\n');
	sysctl_hint(b, "fs.file-max", (int64_t)s->max, width);
}

static void watcher_list(struct ew_buf *b, const struct ew_limits_inotify *in, unsigned width)
{
	struct ew_buf l;

	if (!in->n_top)
		return;
	ew_buf_init(&l);
	ew_buf_puts(&l, "most watches: ");
	for (size_t i = 0; i < in->n_top; i++) {
		ew_buf_puts(&l, i ? ", " : "");
		ew_buf_put_escaped(&l, in->top[i].comm[0] ? in->top[i].comm : "?");
		ew_buf_printf(&l, " (pid %d) %" PRIu64 " in %" PRIu64 " instance%s", in->top[i].pid,
			      in->top[i].watches, in->top[i].instances,
			      in->top[i].instances == 1 ? "" : "s");
	}
	wrapped(b, &l, width);
	ew_buf_free(&l);
}

static void user_label(struct ew_buf *b, const struct ew_limits_report *r)
{
	ew_buf_printf(b, "uid %u", r->uid);
	if (r->user) {
		ew_buf_puts(b, " (");
		ew_buf_put_escaped(b, r->user);
		ew_buf_putc(b, ')');
	}
}

static void inotify_part(struct ew_buf *b, const struct ew_limits_report *r, unsigned width)
{
	const struct ew_limits_inotify *in = &r->inotify;

	ew_buf_puts(b, "  inotify of ");
	user_label(b, r);
	if (in->error) {
		ew_buf_printf(b, ": /proc could not be walked: %s\n", strerror(-in->error));
		return;
	}
	ew_buf_puts(b, ":\n    instances ");
	if (limited(in->max_instances))
		of(b, in->instances, (uint64_t)in->max_instances);
	else
		ew_buf_printf(b, "%" PRIu64 " (fs.inotify.max_user_instances unknown)", in->instances);
	ew_buf_puts(b, ", watches ");
	if (limited(in->max_watches))
		of(b, in->watches, (uint64_t)in->max_watches);
	else
		ew_buf_printf(b, "%" PRIu64 " (fs.inotify.max_user_watches unknown)", in->watches);
	ew_buf_putc(b, '\n');
	watcher_list(b, in, width);
	if (in->unreadable)
		ew_buf_printf(b, "    %u of the user's processes could not be read: they may hold "
			      "more%s\n", in->unreadable,
			      r->caller_uid ? " (run as root)" : " (not dumpable, or of another user "
							       "namespace)");
	/* The hint is for whichever of the two is nearer its limit. */
	if (limited(in->max_watches) && limited(in->max_instances) &&
	    percent(in->watches, (uint64_t)in->max_watches) >=
		    percent(in->instances, (uint64_t)in->max_instances))
		sysctl_hint(b, "fs.inotify.max_user_watches", in->max_watches, width);
	else
		sysctl_hint(b, "fs.inotify.max_user_instances", in->max_instances, width);
}

static void processes_part(struct ew_buf *b, const struct ew_limits_report *r, unsigned width)
{
	const struct ew_limits_processes *p = &r->processes;
	struct ew_buf l;
	char value[32];

	ew_buf_puts(b, "  threads of ");
	user_label(b, r);
	if (p->error) {
		ew_buf_printf(b, ": /proc could not be walked: %s\n", strerror(-p->error));
		return;
	}
	ew_buf_printf(b, ": %" PRIu64 " in %" PRIu64 " processes", p->threads, p->processes);
	if (p->limit_error)
		ew_buf_printf(b, " (/proc/%d/limits: %s)\n", r->pid, strerror(-p->limit_error));
	else if (r->uid == 0) {
		ew_buf_puts(b, "; RLIMIT_NPROC is not enforced for root\n");
	} else {
		ew_buf_puts(b, ", ");
		of_named(b, p->threads, "RLIMIT_NPROC", p->soft);
		ew_buf_puts(b, "; hard ");
		limit_text(b, p->hard);
		ew_buf_putc(b, '\n');
	}
	if (p->system_threads >= 0 && p->threads_max >= 0) {
		ew_buf_puts(b, "    every thread on the system: ");
		of_named(b, (uint64_t)p->system_threads, "kernel.threads-max",
			 (uint64_t)p->threads_max);
		ew_buf_putc(b, '\n');
	}
	if (p->limit_error || r->uid == 0) {
		sysctl_hint(b, "kernel.threads-max", p->threads_max, width);
		return;
	}
	ew_buf_init(&l);
	if (p->hard != EW_LIMIT_UNLIMITED && p->soft < p->hard)
		snprintf(value, sizeof(value), "%" PRIu64, p->hard);
	else
		snprintf(value, sizeof(value), "%" PRIu64, p->soft != EW_LIMIT_UNLIMITED ? p->soft * 2 : 0);
	ew_buf_printf(&l, "raise: prlimit --pid %d --nproc=%s:%s for the running process; for the "
		      "next start, ", r->pid, value, value);
	if (unit_hint(&l, r, "LimitNPROC", value))
		ew_buf_puts(&l, " (it counts every process of the uid; TasksMax= limits the unit "
			    "alone)");
	else
		ew_buf_printf(&l, "ulimit -u %s in the shell that starts it", value);
	wrapped(b, &l, width);
	ew_buf_free(&l);
}

static void maps_part(struct ew_buf *b, const struct ew_limits_report *r, unsigned width)
{
	const struct ew_limits_maps *m = &r->maps;

	ew_buf_puts(b, "  memory maps: ");
	if (m->error) {
		ew_buf_printf(b, "/proc/%d/maps could not be read: %s%s\n", r->pid,
			      strerror(-m->error), denied_hint(r, m->error));
		return;
	}
	if (limited(m->max)) {
		of_named(b, m->count, "vm.max_map_count", (uint64_t)m->max);
		ew_buf_putc(b, '\n');
	} else {
		ew_buf_printf(b, "%" PRIu64 " (vm.max_map_count unknown)\n", m->count);
	}
	sysctl_hint(b, "vm.max_map_count", m->max, width);
}

static int limits_text(struct ew_buf *b, const struct ew_limits_report *r, unsigned parts,
		       unsigned width);

/* Wraps every line of text longer than width at its spaces, its continuation set in two
 * columns past the line's own indent: the lines carry escaped outside text of any length. */
static void rewrap(struct ew_buf *b, const char *text, unsigned width)
{
	struct ew_buf line;

	ew_buf_init(&line);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n"), indent = strspn(p, " ");
		if (n <= width || indent >= n) {
			ew_buf_append(b, p, n);
			ew_buf_putc(b, '\n');
		} else {
			line.len = 0;
			ew_buf_append(&line, p + indent, n - indent);
			if (!line.failed)
				ew_wrap_plain(b, line.data, (unsigned)indent, (unsigned)indent + 2,
					      width);
			b->failed |= line.failed;
		}
		p += n + (p[n] == '\n');
	}
	ew_buf_free(&line);
}

int ew_render_limits_text(struct ew_buf *b, const struct ew_limits_report *r, unsigned parts,
			  const struct ew_text_style *st)
{
	unsigned width = st && st->width >= 40 ? st->width : 80;
	struct ew_buf body;
	int e;

	if (!b || !r)
		return -EINVAL;
	ew_buf_init(&body);
	e = limits_text(&body, r, parts, width);
	if (e == 0 && body.len)
		rewrap(b, body.data, width);
	ew_buf_free(&body);
	return e < 0 ? e : b->failed ? -ENOMEM : 0;
}

static int limits_text(struct ew_buf *b, const struct ew_limits_report *r, unsigned parts,
		       unsigned width)
{
	int e;

	parts &= r->parts;
	if ((e = ew_render_limits_verdict(b, r, parts)) < 0)
		return e;
	ew_buf_putc(b, '\n');
	if (r->unit || r->container) {
		ew_buf_puts(b, "  runs in ");
		ew_buf_put_escaped(b, r->unit ? r->unit : r->container);
		ew_buf_puts(b, r->unit ? (r->user_unit ? " (a user unit)\n" : "\n")
				       : " container: its limits are set where it is started\n");
	}
	if (parts & EW_LIMITS_FDS)
		fds_part(b, r, width);
	if (parts & EW_LIMITS_SYSTEM_FILES)
		system_files_part(b, r, width);
	if (parts & EW_LIMITS_INOTIFY)
		inotify_part(b, r, width);
	if (parts & EW_LIMITS_PROCESSES)
		processes_part(b, r, width);
	if (parts & EW_LIMITS_MAPS)
		maps_part(b, r, width);
	if (r->parent)
		ew_buf_puts(b, "  (another process: errwhy limits PID, or --pid PID on a page)\n");
	return b->failed ? -ENOMEM : 0;
}
