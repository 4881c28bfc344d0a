/* path_walk.c: walks a path one component at a time as path_resolution(7) tells it, statx on
 * each, following symlinks, and stops at the first component the lookup would fail on. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "path.h"

static int push(struct ew_path_report *r, const char *path, const struct ew_path_mounts *m,
		int *mnt_id, size_t *idx)
{
	struct ew_path_component *grown =
		realloc(r->components, (r->n_components + 1) * sizeof(*grown));
	int e;

	if (!grown)
		return -ENOMEM;
	r->components = grown;
	e = ew_path_component_read(&grown[r->n_components], path, m, mnt_id);
	if (e < 0) {
		struct ew_path_component *c = &grown[r->n_components];
		free(c->path);
		free(c->owner);
		free(c->group);
		free(c->target);
		return e;
	}
	*idx = r->n_components++;
	return 0;
}

static char *join(const char *dir, const char *name)
{
	char *s;
	bool root = strcmp(dir, "/") == 0;

	return asprintf(&s, "%s%s%s", dir, root ? "" : "/", name) < 0 ? NULL : s;
}

/* The directory part of an absolute path ("/a/b" -> "/a", "/a" -> "/"). */
static char *parent_of(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash == p ? strdup("/") : strndup(p, (size_t)(slash - p));
}

static void set_missing(struct ew_path_report *r, const char *dir, const char *name,
			const char *missing)
{
	char *near[3] = {0}, list[1024] = "";
	size_t n = ew_path_near_names(dir, name, near, 3), at = 0;

	for (size_t i = 0; i < n; i++) {
		int k = snprintf(list + at, sizeof(list) - at, "%s\"%s\"",
				 i ? (i + 1 == n ? " or " : ", ") : "", near[i]);
		if (k > 0 && (size_t)k < sizeof(list) - at)
			at += (size_t)k;
		free(near[i]);
	}
	ew_path_set_verdict(r, ENOENT, missing, "%s exists, but it holds no \"%s\"%s%s%s", dir,
			    name, n ? "; did you mean " : "", list, n ? "?" : "");
}

/* The longest name the filesystem of dir takes (statfs's f_namelen), 255 when unknown. */
static long name_max(const char *dir)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && sf.f_namelen > 0 ? (long)sf.f_namelen : NAME_MAX;
}

struct walker {
	struct ew_path_report *r;
	const struct ew_path_user *u;
	const struct ew_path_mounts *m;
	char *cur;         /* the directory reached */
	size_t cur_idx;
	char *rest;        /* what is left to walk */
	int links;
	int namelen_mnt;   /* the mount whose name limit is in namelen */
	long namelen;
};

/* Whether a lookup of name in the current directory may start: it is a directory, the user
 * may search it, and the name fits. false with r's verdict set. */
static bool may_look_up(struct walker *k, const char *name, int cur_mnt)
{
	const struct ew_path_component *c = &k->r->components[k->cur_idx];
	struct ew_path_access a;

	if (!S_ISDIR(c->mode)) {
		ew_path_set_verdict(k->r, ENOTDIR, c->path,
				    "%s is a %s, not a directory, so it holds no \"%s\"", c->path,
				    ew_path_type_words(c->mode), name);
		return false;
	}
	ew_path_check_perm(c, k->u, EW_PATH_X, &a);
	if (!a.allowed) {
		ew_path_set_denied(k->r, c, k->u, "search", &a);
		return false;
	}
	if (cur_mnt < 0 || cur_mnt != k->namelen_mnt) {
		k->namelen = name_max(k->cur);
		k->namelen_mnt = cur_mnt;
	}
	if ((long)strlen(name) > k->namelen) {
		char *p = join(k->cur, name);
		ew_path_set_verdict(k->r, ENAMETOOLONG, p,
				    "the name \"%.40s...\" in %s is %zu bytes; its filesystem (%s) "
				    "takes at most %ld", name, k->cur, strlen(name),
				    c->mount ? c->mount->fstype : "?", k->namelen);
		free(p);
		return false;
	}
	return true;
}

/* The next name of k->rest into name (cut from rest); false when none is left. *last: no name
 * follows; *slash: a slash follows it (then it must be a directory). */
static bool next_name(struct walker *k, char **name, bool *last, bool *slash)
{
	char *p = k->rest + strspn(k->rest, "/"), *end;

	if (!*p)
		return false;
	end = p + strcspn(p, "/");
	*slash = *end == '/';
	*last = end[strspn(end, "/")] == '\0';
	*name = strndup(p, (size_t)(end - p));
	memmove(k->rest, end, strlen(end) + 1);
	return *name != NULL;
}

/* A symlink met on the way: its target goes in front of what is left. */
static int follow(struct walker *k, const struct ew_path_component *link, int *cur_mnt)
{
	char *rest;

	if (++k->links > EW_PATH_MAXSYMLINKS) {
		ew_path_set_verdict(k->r, ELOOP, link->path,
				    "more than %d symbolic links are followed on the way to %s (%s "
				    "-> %s, ...): a loop, or a chain too long", EW_PATH_MAXSYMLINKS,
				    k->r->path, link->path, link->target ? link->target : "?");
		return 1;
	}
	if (asprintf(&rest, "%s/%s", link->target ? link->target : "", k->rest) < 0)
		return -ENOMEM;
	free(k->rest);
	k->rest = rest;
	if (link->target && link->target[0] == '/') {
		free(k->cur);
		if (!(k->cur = strdup("/")))
			return -ENOMEM;
		return push(k->r, "/", k->m, cur_mnt, &k->cur_idx);
	}
	return 0;
}

static int start(struct walker *k, const char *path, int *cur_mnt)
{
	char cwd[PATH_MAX];
	int e;

	if (path[0] == '/')
		k->cur = strdup("/");
	else
		k->cur = getcwd(cwd, sizeof(cwd)) ? strdup(cwd) : NULL;
	if (!k->cur)
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	if (!(k->rest = strdup(path)))
		return -ENOMEM;
	e = push(k->r, k->cur, k->m, cur_mnt, &k->cur_idx);
	return e;
}

/* One name: looked up, followed when it is a symlink, or the walk ends on it. Returns 1 when
 * the walk is over (w filled or r's verdict set), 0 to go on, or -ENOMEM. */
static int step(struct walker *k, const char *name, bool last, bool slash, bool follow_last,
		bool missing_ok, int *cur_mnt, struct ew_path_walk *w)
{
	size_t idx;
	int mnt, e;
	char *next;

	if (!may_look_up(k, name, *cur_mnt))
		return 1;
	if (strcmp(name, ".") == 0) {
		if (!last)
			return 0;
		w->target = k->cur_idx;
		w->final = k->cur;
		k->cur = NULL;
		return 1;
	}
	if (strcmp(name, "..") == 0) {
		if (!(next = parent_of(k->cur)))
			return -ENOMEM;
	} else if (!(next = join(k->cur, name))) {
		return -ENOMEM;
	}
	e = push(k->r, next, k->m, &mnt, &idx);
	/* A new name may end in "/": mkdir("d/new/") makes a directory. */
	if (e == -ENOENT && last && missing_ok) {
		w->parent = k->cur_idx;
		w->final = next;
		return 1;
	}
	if (e == -ENOENT)
		set_missing(k->r, k->cur, name, next);
	else if (e == -EACCES && !k->u->caller)
		ew_path_set_verdict(k->r, EACCES, next, "errwhy itself (uid %u) may not look up %s, "
				    "so the walk cannot go on; run it as root to judge for another "
				    "user", (unsigned)geteuid(), next);
	else if (e < 0 && e != -ENOMEM)
		ew_path_set_verdict(k->r, -e, next, "%s cannot be looked up: %s", next, strerror(-e));
	if (e < 0) {
		free(next);
		return e == -ENOMEM ? e : 1;
	}
	if (S_ISLNK(k->r->components[idx].mode) && (!last || slash || follow_last)) {
		free(next);
		e = follow(k, &k->r->components[idx], cur_mnt);
		return e;
	}
	if (last) {
		w->parent = k->cur_idx;
		w->target = idx;
		w->final = next;
		if (slash && !S_ISDIR(k->r->components[idx].mode) &&
		    !S_ISLNK(k->r->components[idx].mode))
			ew_path_set_verdict(k->r, ENOTDIR, next, "%s is a %s, and a name ending in "
					    "\"/\" must be a directory", next,
					    ew_path_type_words(k->r->components[idx].mode));
		return 1;
	}
	free(k->cur);
	k->cur = next;
	k->cur_idx = idx;
	*cur_mnt = mnt;
	return 0;
}

int ew_path_walk(struct ew_path_report *r, const struct ew_path_user *u,
		 const struct ew_path_mounts *m, const char *path, bool follow_last,
		 bool missing_ok, struct ew_path_walk *w)
{
	struct walker k = {.r = r, .u = u, .m = m, .namelen_mnt = -2};
	int cur_mnt = -1, e, verdict_before = r->verdict;
	char *name;
	bool last = false, slash = false;

	*w = (struct ew_path_walk){.target = EW_PATH_NONE, .parent = EW_PATH_NONE};
	if (strlen(path) >= PATH_MAX) {
		ew_path_set_verdict(r, ENAMETOOLONG, NULL, "the path is %zu bytes; Linux takes at "
				    "most %d, its terminating NUL included (PATH_MAX)",
				    strlen(path), PATH_MAX);
		w->failed = true;
		return 0;
	}
	e = start(&k, path, &cur_mnt);
	for (e = e < 0 ? e : 0; e == 0;) {
		if (!next_name(&k, &name, &last, &slash)) {
			/* "/" or "dir/": the walk ends on the directory reached. */
			w->target = k.cur_idx;
			w->final = k.cur;
			k.cur = NULL;
			break;
		}
		e = step(&k, name, last, slash, follow_last, missing_ok, &cur_mnt, w);
		free(name);
	}
	free(k.cur);
	free(k.rest);
	if (e < 0 && e != -ENOMEM) {
		ew_path_set_verdict(r, -e, NULL, "the walk cannot start: %s", strerror(-e));
		e = 0;
	}
	w->failed = r->verdict != verdict_before || (r->verdict && !r->reason);
	return e < 0 ? e : 0;
}

void ew_path_walk_free(struct ew_path_walk *w)
{
	free(w->final);
	w->final = NULL;
}
