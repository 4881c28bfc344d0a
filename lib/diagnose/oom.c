/* oom.c: which cgroup an OOM question is about, and what its memory.events counters and
 * limits (and those of its ancestors) say. The kernel log is read by oom_kmsg.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oom.h"

/* A unit or container search reads at most this many cgroup directories: a machine with
 * thousands of cgroups still answers quickly, and a fixture loop cannot hang us. */
#define FIND_MAX_DIRS 4096
#define FIND_MAX_DEPTH 16
#define SMALL_FILE_MAX 65536

struct hierarchy {
	int version;      /* 2, 1 or 0 */
	char *root;       /* the directory that holds the memory cgroups */
};

int ew_oom_read_small(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *text;
	ssize_t n;
	size_t len = 0;

	*out = NULL;
	if (fd < 0)
		return -errno;
	text = malloc(SMALL_FILE_MAX + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	while (len < SMALL_FILE_MAX && (n = read(fd, text + len, SMALL_FILE_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;
			free(text);
			close(fd);
			return err;
		}
		len += (size_t)n;
	}
	close(fd);
	text[len] = '\0';
	*out = text;
	return 0;
}

static char *join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s%s%s", a, (b[0] == '/' || !b[0]) ? "" : "/", b) < 0)
		return NULL;
	return s;
}

static bool exists(const char *dir, const char *name)
{
	char *p = join(dir, name);
	bool yes = p && access(p, F_OK) == 0;

	free(p);
	return yes;
}

/* Whether dir is a cgroup v2 root with the memory controller enabled: a hybrid system
 * mounts v2 at unified/ but keeps memory on v1. */
static bool v2_with_memory(const char *dir)
{
	char *file = join(dir, "cgroup.controllers"), *text;
	bool yes = false;

	if (file && ew_oom_read_small(file, &text) == 0) {
		for (char *w = strtok(text, " \n"); w && !yes; w = strtok(NULL, " \n"))
			yes = strcmp(w, "memory") == 0;
		free(text);
	}
	free(file);
	return yes;
}

/* cgroup v2 at the root, or under unified/ (hybrid), when it has the memory controller;
 * else v1's memory controller. Told by the files present rather than statfs, so that a
 * fixture tree in /tmp reads the same. */
static int find_hierarchy(const char *root, struct hierarchy *h)
{
	static const struct {
		const char *sub, *file;
		int version;
	} tries[] = {
		{"", "cgroup.controllers", 2},
		{"unified", "cgroup.controllers", 2},
		{"memory", "memory.oom_control", 1},
	};

	h->version = 0;
	h->root = NULL;
	for (size_t i = 0; i < sizeof(tries) / sizeof(*tries); i++) {
		char *dir = join(root, tries[i].sub);

		if (!dir)
			return -ENOMEM;
		if (tries[i].version == 1 ? exists(dir, tries[i].file) : v2_with_memory(dir)) {
			h->version = tries[i].version;
			h->root = dir;
			return 0;
		}
		free(dir);
	}
	return 0;
}

/* The cgroup path in a /proc/PID/cgroup text: v2's "0::/path", or v1's memory controller
 * line "4:memory:/path". */
static char *path_in_proc_cgroup(const char *text, int version)
{
	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n'), *c1 = memchr(line, ':', end - line), *c2;

		c2 = c1 ? memchr(c1 + 1, ':', end - c1 - 1) : NULL;
		if (c2) {
			bool v2 = c2 == c1 + 1 && strncmp(line, "0:", 2) == 0;
			char ctl[256];
			size_t n = (size_t)(c2 - c1 - 1);

			snprintf(ctl, sizeof(ctl), ",%.*s,", (int)(n < 250 ? n : 250), c1 + 1);
			if ((version == 2 && v2) || (version == 1 && strstr(ctl, ",memory,")))
				return strndup(c2 + 1, (size_t)(end - c2 - 1));
		}
		line = *end ? end + 1 : NULL;
	}
	return NULL;
}

static int cgroup_of_pid(const char *proc_root, const char *pid, int version, char **out)
{
	char path[4096], *text;
	int r;

	snprintf(path, sizeof(path), "%s/%s/cgroup", proc_root, pid);
	r = ew_oom_read_small(path, &text);
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	*out = path_in_proc_cgroup(text, version);
	free(text);
	return *out ? 0 : -ENOENT;
}

/* Whether a cgroup directory's name is the one sought: the unit itself, or a container's
 * scope or directory holding its id ("docker-<id>.scope", "<id>"). */
static bool name_matches(const char *name, const char *want, bool container)
{
	if (!container)
		return strcmp(name, want) == 0;
	return strstr(name, want) != NULL;
}

struct finder {
	const char *want;
	bool container;
	unsigned budget;
	char *found;
};

/* Depth-first over the cgroup directories below dir (path rel), the first match wins. */
static void find_below(struct finder *f, int dir, const char *rel, int depth)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;

	if (!d) {
		close(dir);
		return;
	}
	while (!f->found && f->budget > 0 && (e = readdir(d))) {
		char sub_rel[4096];
		int sub;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		f->budget--;
		if (snprintf(sub_rel, sizeof(sub_rel), "%s/%s", rel, e->d_name) >=
		    (int)sizeof(sub_rel))
			continue;
		if (name_matches(e->d_name, f->want, f->container)) {
			f->found = strdup(sub_rel);
			break;
		}
		if (depth >= FIND_MAX_DEPTH)
			continue;
		sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0)
			find_below(f, sub, sub_rel, depth + 1);
	}
	closedir(d);
}

static bool all_hex(const char *s)
{
	size_t n = strlen(s);

	if (n < 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

/* A unit's or container's cgroup, found by name: system.slice/NAME first (the usual case,
 * with no walk), then anywhere (user units live under user@UID.service). */
static int cgroup_by_name(const struct hierarchy *h, const char *want, bool container,
			  char **out)
{
	struct finder f = {.want = want, .container = container, .budget = FIND_MAX_DIRS};
	int fd;

	if (!want[0] || strchr(want, '/') || strcmp(want, ".") == 0 || strcmp(want, "..") == 0 ||
	    (container && !all_hex(want)))
		return -EINVAL;
	if (!container) {
		char *direct = join(h->root, "system.slice");
		bool hit = direct && exists(direct, want);

		free(direct);
		if (hit)
			return asprintf(out, "/system.slice/%s", want) < 0 ? -ENOMEM : 0;
	}
	fd = open(h->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	find_below(&f, fd, "", 0);
	*out = f.found;
	return f.found ? 0 : -ENOENT;
}

static int count_asked(const struct ew_oom_query *q)
{
	return (q->pid != 0) + (q->unit != NULL) + (q->container_id != NULL) + (q->cgroup != NULL);
}

/* A cgroup path given by the caller stays inside the hierarchy: no "..", no "." parts. */
static bool path_safe(const char *p)
{
	for (const char *c = p; *c;) {
		const char *end = strchrnul(c, '/');
		size_t n = (size_t)(end - c);

		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c = *end ? end + 1 : end;
	}
	return true;
}

/* Names the cgroup the query is about, in r->cgroup, or says why not in r->cgroup_error. */
static int resolve_cgroup(struct ew_oom_report *r, const struct ew_oom_query *q,
			  const struct hierarchy *h, const char *proc_root)
{
	char pid[16];
	int err;

	if (h->version == 0) {
		r->cgroup_error = -ENOENT;
		return 0;
	}
	if (q->cgroup) {
		err = asprintf(&r->cgroup, "%s%s", q->cgroup[0] == '/' ? "" : "/", q->cgroup) < 0
			      ? -ENOMEM : 0;
	} else if (q->unit || q->container_id) {
		bool c = q->container_id != NULL;
		err = cgroup_by_name(h, c ? q->container_id : q->unit, c, &r->cgroup);
	} else {
		if (q->pid > 0)
			snprintf(pid, sizeof(pid), "%d", q->pid);
		else
			snprintf(pid, sizeof(pid), "self");
		err = cgroup_of_pid(proc_root, pid, h->version, &r->cgroup);
	}
	if (err == -ENOMEM)
		return err;
	r->cgroup_error = err;
	return 0;
}

/* "oom 3\noom_kill 1\n...": one counter's value, 0 when the line is absent. */
static bool counter(const char *text, const char *key, uint64_t *v)
{
	size_t n = strlen(key);

	for (const char *line = text; line && *line;) {
		if (strncmp(line, key, n) == 0 && line[n] == ' ') {
			*v = strtoull(line + n + 1, NULL, 10);
			return true;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	*v = 0;
	return false;
}

static int read_events(const char *root, const char *cg, struct ew_oom_events *ev)
{
	char *dir = join(root, cg), *file, *text;

	ev->path = strdup(cg);
	file = dir ? join(dir, "memory.events") : NULL;
	free(dir);
	if (!file || !ev->path) {
		free(file);
		return -ENOMEM;
	}
	ev->error = ew_oom_read_small(file, &text);
	free(file);
	if (ev->error < 0)
		return ev->error == -ENOMEM ? -ENOMEM : 0;
	counter(text, "oom", &ev->oom);
	counter(text, "oom_kill", &ev->oom_kill);
	counter(text, "max", &ev->max);
	counter(text, "high", &ev->high);
	ev->has_group_kill = counter(text, "oom_group_kill", &ev->oom_group_kill);
	free(text);
	return 0;
}

/* A number from a one-value file: 0, -ENODATA for "max" (no limit), or -errno. */
static int read_value(const char *root, const char *cg, const char *name, uint64_t *v)
{
	char *dir = join(root, cg), *file = dir ? join(dir, name) : NULL, *text, *end;
	int r;

	free(dir);
	if (!file)
		return -ENOMEM;
	r = ew_oom_read_small(file, &text);
	free(file);
	if (r < 0)
		return r;
	errno = 0;
	*v = strtoull(text, &end, 10);
	r = (end == text || errno) ? -ENODATA : 0;
	free(text);
	return r;
}

/* Keeps the tighter of l and cg's value of the limit: a parent's limit applies below it. */
static int tighten(struct ew_oom_limit *l, const char *root, const char *cg, const char *name,
		   uint64_t none_above)
{
	uint64_t v;
	int r = read_value(root, cg, name, &v);

	if (r == -ENOMEM)
		return r;
	if (r < 0 || v >= none_above || (l->set && l->bytes <= v))
		return 0;
	free(l->where);
	l->where = strdup(cg);
	l->set = true;
	l->bytes = v;
	return l->where ? 0 : -ENOMEM;
}

/* v1 calls "no limit" a huge page-aligned number rather than "max". */
#define V1_UNLIMITED (UINT64_C(1) << 62)

static int limits_of(struct ew_oom_report *r, const char *root, const char *cg, int version)
{
	int e = 0;

	if (version == 2) {
		e = tighten(&r->memory_max, root, cg, "memory.max", UINT64_MAX);
		e = e ? e : tighten(&r->memory_high, root, cg, "memory.high", UINT64_MAX);
		e = e ? e : tighten(&r->swap_max, root, cg, "memory.swap.max", UINT64_MAX);
	} else {
		e = tighten(&r->memory_max, root, cg, "memory.limit_in_bytes", V1_UNLIMITED);
	}
	return e;
}

/* The parent of "/a/b/c" is "/a/b"; of "/a", none (the root has no counters of its own). */
static bool parent_of(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return false;
	*slash = '\0';
	return true;
}

static int walk_ancestors(struct ew_oom_report *r, const struct hierarchy *h)
{
	char *p = strdup(r->cgroup);
	int e = 0;

	if (!p)
		return -ENOMEM;
	while (!e && parent_of(p)) {
		struct ew_oom_events *grown =
			realloc(r->ancestors, (r->n_ancestors + 1) * sizeof(*grown));
		if (!grown) {
			e = -ENOMEM;
			break;
		}
		r->ancestors = grown;
		grown[r->n_ancestors] = (struct ew_oom_events){0};
		e = read_events(h->root, p, &grown[r->n_ancestors++]);
		e = e ? e : limits_of(r, h->root, p, 2);
	}
	free(p);
	return e;
}

static int64_t value_or_absent(const char *root, const char *cg, const char *name)
{
	uint64_t v;

	return read_value(root, cg, name, &v) == 0 && v <= INT64_MAX ? (int64_t)v : -1;
}

/* v1 has no memory.events, but its limits nest the same way: walk them all. */
static int v1_limits(struct ew_oom_report *r, const struct hierarchy *h)
{
	char *p = strdup(r->cgroup);
	int e;

	if (!p)
		return -ENOMEM;
	do
		e = limits_of(r, h->root, p, 1);
	while (!e && parent_of(p));
	free(p);
	return e;
}

/* cgroup v1: memory.oom_control's under_oom and oom_kill (the latter since 4.13). */
static int read_v1(struct ew_oom_report *r, const struct hierarchy *h)
{
	char *dir = join(h->root, r->cgroup), *file = dir ? join(dir, "memory.oom_control") : NULL;
	char *text;
	uint64_t v;

	free(dir);
	if (!file)
		return -ENOMEM;
	r->v1_error = ew_oom_read_small(file, &text);
	free(file);
	if (r->v1_error < 0)
		return r->v1_error == -ENOMEM ? -ENOMEM : 0;
	if (counter(text, "under_oom", &v))
		r->v1_under_oom = (int)v;
	if (counter(text, "oom_kill", &v))
		r->v1_oom_kill = (int64_t)v;
	free(text);
	r->current = value_or_absent(h->root, r->cgroup, "memory.usage_in_bytes");
	r->peak = value_or_absent(h->root, r->cgroup, "memory.max_usage_in_bytes");
	return v1_limits(r, h);
}

static int read_cgroup_side(struct ew_oom_report *r, const struct hierarchy *h)
{
	int e;

	if (!r->cgroup)
		return 0;
	if (h->version == 1)
		return read_v1(r, h);
	e = read_events(h->root, r->cgroup, &r->events);
	e = e ? e : limits_of(r, h->root, r->cgroup, 2);
	e = e ? e : walk_ancestors(r, h);
	r->current = value_or_absent(h->root, r->cgroup, "memory.current");
	r->peak = value_or_absent(h->root, r->cgroup, "memory.peak");
	return e;
}

static void read_dmesg_restrict(struct ew_oom_report *r, const char *proc_root)
{
	char path[4096], *text;

	snprintf(path, sizeof(path), "%s/sys/kernel/dmesg_restrict", proc_root);
	if (ew_oom_read_small(path, &text) == 0) {
		r->dmesg_restrict = atoi(text);
		free(text);
	}
}

static struct ew_oom_report *report_new(void)
{
	struct ew_oom_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->current = r->peak = -1;
	r->v1_under_oom = -1;
	r->v1_oom_kill = -1;
	r->dmesg_restrict = -1;
	return r;
}

int ew_oom_report_build(struct ew_oom_report **out, const struct ew_oom_query *q)
{
	static const struct ew_oom_query none = {0};
	struct hierarchy h = {0};
	struct ew_oom_report *r;
	const char *proc_root, *cg_root;
	int e;

	if (!out)
		return -EINVAL;
	*out = NULL;
	q = q ? q : &none;
	if (count_asked(q) > 1 || q->pid < 0 || (q->cgroup && !path_safe(q->cgroup)))
		return -EINVAL;
	proc_root = q->proc_root ? q->proc_root : "/proc";
	cg_root = q->cgroup_root ? q->cgroup_root : "/sys/fs/cgroup";
	if (!(r = report_new()))
		return -ENOMEM;
	r->kmsg_path = q->kmsg_path ? q->kmsg_path : "/dev/kmsg";
	e = find_hierarchy(cg_root, &h);
	r->cgroup_version = h.version;
	e = e ? e : resolve_cgroup(r, q, &h, proc_root);
	e = e ? e : read_cgroup_side(r, &h);
	read_dmesg_restrict(r, proc_root);
	e = e ? e : ew_oom_read_kmsg(r, r->kmsg_path);
	free(h.root);
	if (e < 0) {
		ew_oom_report_free(r);
		return e;
	}
	*out = r;
	return 0;
}

void ew_oom_report_free(struct ew_oom_report *r)
{
	if (!r)
		return;
	free(r->cgroup);
	free(r->events.path);
	for (size_t i = 0; i < r->n_ancestors; i++)
		free(r->ancestors[i].path);
	free(r->ancestors);
	free(r->memory_max.where);
	free(r->memory_high.where);
	free(r->swap_max.where);
	for (size_t i = 0; i < r->n_kills; i++) {
		free(r->kills[i].memcg);
		free(r->kills[i].constraint);
	}
	free(r);
}

/* Whether cg is base or a cgroup below it: "/a/b" is in "/a", "/ab" is not. */
static bool cgroup_within(const char *cg, const char *base)
{
	size_t n = strlen(base);

	if (strcmp(base, "/") == 0)
		return true;
	return strncmp(cg, base, n) == 0 && (cg[n] == '\0' || cg[n] == '/');
}

const struct ew_oom_kill *ew_oom_last_kill(const struct ew_oom_report *r)
{
	if (!r || !r->cgroup)
		return NULL;
	for (size_t i = r->n_kills; i-- > 0;)
		if (r->kills[i].memcg && cgroup_within(r->kills[i].memcg, r->cgroup))
			return &r->kills[i];
	return NULL;
}

/* The pages an OOM report belongs on: the signal the OOM killer sends, and the status a shell
 * reports for a child it killed (128+SIGKILL). */
bool ew_oom_applies(const struct ew_entry *e)
{
	if (!e)
		return false;
	if (e->family == EW_FAMILY_SIGNAL)
		return e->number == SIGKILL;
	return e->family == EW_FAMILY_EXIT && e->signal == SIGKILL;
}
