/* path_json.c: a path report as one JSON object, in the shape errwhy.h documents beside
 * ew_render_path_json(). */
#include <errno.h>
#include <stdio.h>

#include "../diagnose/path.h"
#include "json.h"
#include "json_text.h"

static json_t *mount_json(const struct ew_path_mount *mt)
{
	json_t *o = json_object(), *opts = json_array();
	bool ok = o && opts && ew_json_append(opts, json_string(mt->ro ? "ro" : "rw"));

	ok = ok && (!mt->noexec || ew_json_append(opts, json_string("noexec")));
	ok = ok && (!mt->nosuid || ew_json_append(opts, json_string("nosuid")));
	ok = ok && (!mt->nodev || ew_json_append(opts, json_string("nodev")));
	ok = ew_json_set(o, "options", opts) && ok;
	ok = ok && ew_json_set(o, "target", ew_json_text(mt->target)) &&
	     ew_json_set(o, "fstype", ew_json_text(mt->fstype));
	return ew_json_ok(o, ok);
}

static json_t *component_json(const struct ew_path_component *c)
{
	json_t *o = json_object();
	char mode[8];
	bool ok;

	snprintf(mode, sizeof(mode), "%04o", c->mode & 07777);
	ok = ew_json_set(o, "path", ew_json_text(c->path)) &&
	     ew_json_set(o, "type", json_string(ew_path_type_key(c->mode))) &&
	     ew_json_set(o, "mode", json_string(mode)) &&
	     ew_json_set(o, "owner", c->owner ? ew_json_text(c->owner) : json_integer(c->uid)) &&
	     ew_json_set(o, "group", c->group ? ew_json_text(c->group) : json_integer(c->gid)) &&
	     ew_json_set(o, "uid", json_integer(c->uid)) &&
	     ew_json_set(o, "gid", json_integer(c->gid)) &&
	     ew_json_set(o, "acl", json_boolean(c->acl)) &&
	     ew_json_set(o, "target", ew_json_text(c->target)) &&
	     ew_json_set(o, "immutable", json_boolean(c->immutable)) &&
	     ew_json_set(o, "append_only", json_boolean(c->append_only)) &&
	     ew_json_set(o, "mount", c->mount ? mount_json(c->mount) : json_null());
	return ew_json_ok(o, ok);
}

static json_t *user_json(const struct ew_path_report *r)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "name", ew_json_text(r->user)) &&
		  ew_json_set(o, "uid", json_integer(r->uid)) &&
		  ew_json_set(o, "caller", json_boolean(r->for_caller));
	return ew_json_ok(o, ok);
}

static json_t *kernel_json(const struct ew_path_report *r)
{
	const char *name;

	if (r->kernel < 0)
		return json_null();
	name = r->kernel ? ew_repro_errno_name(r->kernel) : "ok";
	return json_string(name ? name : "?");
}

json_t *ew_path_report_json(const struct ew_path_report *r)
{
	json_t *o = json_object(), *list = json_array();
	bool ok = o && list;

	for (size_t i = 0; i < r->n_components; i++)
		ok = ok && ew_json_append(list, component_json(&r->components[i]));
	ok = ew_json_set(o, "path", ew_json_text(r->path)) && ok;
	ok = ok && ew_json_set(o, "operation", json_string(ew_path_op_key(r->op))) &&
	     ew_json_set(o, "rename_to", ew_json_text(r->rename_to)) &&
	     ew_json_set(o, "user", user_json(r)) &&
	     ew_json_set(o, "verdict", json_string(ew_path_verdict_key(r))) &&
	     ew_json_set(o, "component", ew_json_text(r->component)) &&
	     ew_json_set(o, "reason", ew_json_text(r->reason)) &&
	     ew_json_set(o, "confirmed", json_boolean(r->confirmed)) &&
	     ew_json_set(o, "kernel", kernel_json(r)) &&
	     ew_json_set(o, "confirmation", ew_json_text(r->confirmation)) &&
	     ew_json_set(o, "mount_error", ew_json_errno(r->mount_error));
	ok = ew_json_set(o, "components", list) && ok;
	return ew_json_ok(o, ok);
}

int ew_render_path_json(struct ew_buf *b, const struct ew_path_report *r, bool pretty)
{
	if (!b || !r)
		return -EINVAL;
	return ew_json_dump(b, ew_path_report_json(r), pretty);
}
