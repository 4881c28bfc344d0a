/* path.c: errwhy path's report: the walk, the verdict and the kernel's confirmation put
 * together, and the words for operations and verdicts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

static const char *const op_keys[] = {"read", "write", "create", "delete", "exec", "list",
				      "search", "rename"};

const char *ew_path_op_key(enum ew_path_op op)
{
	return (unsigned)op < sizeof(op_keys) / sizeof(*op_keys) ? op_keys[op] : "?";
}

int ew_path_op_parse(const char *word)
{
	for (size_t i = 0; word && i < sizeof(op_keys) / sizeof(*op_keys); i++)
		if (strcmp(word, op_keys[i]) == 0)
			return (int)i;
	return -1;
}

const char *ew_path_verdict_key(const struct ew_path_report *r)
{
	const char *n;

	if (!r || !r->verdict)
		return "ok";
	n = ew_repro_errno_name(r->verdict);
	return n ? n : "?";
}

bool ew_path_applies(const struct ew_entry *e)
{
	static const char *const names[] = {"ENOENT", "EACCES", "EPERM", "EROFS", "ENOSPC",
					    "ENOTDIR", "EISDIR", "ELOOP", "ENAMETOOLONG",
					    "ETXTBSY", "EXDEV", "EEXIST", "EBUSY"};

	if (!e || e->family != EW_FAMILY_ERRNO)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(e->name, names[i]) == 0)
			return true;
	return false;
}

static void component_free(struct ew_path_component *c)
{
	free(c->path);
	free(c->owner);
	free(c->group);
	free(c->target);
}

void ew_path_report_free(struct ew_path_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_components; i++)
		component_free(&r->components[i]);
	free(r->components);
	for (size_t i = 0; i < r->n_mounts; i++) {
		free(r->mounts[i].target);
		free(r->mounts[i].fstype);
	}
	free(r->mounts);
	free(r->path);
	free(r->rename_to);
	free(r->user);
	free(r->component);
	free(r->reason);
	free(r->confirmation);
	free(r);
}

/* Which calls walk how: delete, rename and create act on a last symlink itself. */
static bool follows_last(enum ew_path_op op)
{
	return op != EW_PATH_DELETE && op != EW_PATH_RENAME && op != EW_PATH_CREATE;
}

/* The walks (the new name's too, for a rename) and the verdict, or the walk's failure. */
static int judge(struct ew_path_report *r, const struct ew_path_user *u,
		 const struct ew_path_mounts *m, struct ew_path_checks *k)
{
	struct ew_path_walk w, dest = {.target = EW_PATH_NONE, .parent = EW_PATH_NONE};
	bool follow = follows_last(r->op);
	/* Writing creates a missing file, as the shell's > and open(O_WRONLY|O_CREAT) do. */
	bool missing_ok = r->op == EW_PATH_CREATE || r->op == EW_PATH_WRITE;
	int e = ew_path_walk(r, u, m, r->path, follow, missing_ok, &w);

	if (e == 0 && w.failed) {
		e = ew_path_check_add(k, EW_CHECK_OPEN, r->path, 0, !follow, r->verdict);
		ew_path_walk_free(&w);
		return e;
	}
	if (e == 0 && r->op == EW_PATH_RENAME) {
		e = ew_path_walk(r, u, m, r->rename_to, false, true, &dest);
		if (e == 0 && dest.failed)
			e = ew_path_check_add(k, EW_CHECK_OPEN, r->rename_to, 0, true, r->verdict);
		else if (e == 0)
			e = ew_path_judge(r, u, m, &w, &dest, k);
	} else if (e == 0) {
		e = ew_path_judge(r, u, m, &w, NULL, k);
	}
	ew_path_walk_free(&w);
	ew_path_walk_free(&dest);
	return e;
}

static int build(struct ew_path_report *r, const struct ew_path_query *q)
{
	struct ew_path_user u;
	struct ew_path_mounts m;
	struct ew_path_checks k = {0};
	int e = ew_path_user_get(&u, q->user);

	if (e < 0) {
		ew_path_user_free(&u);
		return e;
	}
	r->uid = u.uid;
	r->for_caller = u.caller;
	r->kernel = -1;
	if (u.name && !(r->user = strdup(u.name))) {
		ew_path_user_free(&u);
		return -ENOMEM;
	}
	ew_path_mounts_read(&m);
	r->mount_error = m.error;
	e = judge(r, &u, &m, &k);
	if (e == 0 && !r->reason)
		e = -ENOMEM;
	if (e == 0)
		e = ew_path_mounts_keep(r, &m);
	if (e == 0)
		e = ew_path_confirm(r, &u, &k);
	ew_path_checks_free(&k);
	ew_path_mounts_free(&m);
	ew_path_user_free(&u);
	return e;
}

int ew_path_report_build(struct ew_path_report **out, const struct ew_path_query *q)
{
	struct ew_path_report *r;
	int e;

	if (!out || !q || !q->path || !q->path[0] || (unsigned)q->op > EW_PATH_RENAME ||
	    (q->op == EW_PATH_RENAME) != (q->rename_to != NULL) || (q->rename_to && !q->rename_to[0]))
		return -EINVAL;
	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	r->op = q->op;
	r->path = strdup(q->path);
	r->rename_to = q->rename_to ? strdup(q->rename_to) : NULL;
	if (!r->path || (q->rename_to && !r->rename_to))
		e = -ENOMEM;
	else
		e = build(r, q);
	if (e < 0) {
		ew_path_report_free(r);
		return e;
	}
	*out = r;
	return 0;
}
