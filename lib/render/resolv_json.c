/* resolv_json.c: a resolver report as one JSON object, in the shape errwhy.h documents beside
 * ew_render_resolv_json(). */
#include <errno.h>

#include "json.h"
#include "json_text.h"

static json_t *list_json(char *const *list, size_t n)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; i < n; i++)
		ok = ok && ew_json_append(a, ew_json_text(list[i]));
	return ew_json_ok(a, ok);
}

static json_t *nsswitch_json(const struct ew_resolv_report *r)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "error", ew_json_errno(r->nsswitch_error)) &&
		  ew_json_set(o, "hosts", r->hosts_line_found
						  ? list_json(r->hosts_sources, r->n_hosts_sources)
						  : json_null());
	return ew_json_ok(o, ok);
}

static json_t *options_json(const struct ew_resolv_report *r)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "ndots", json_integer(r->ndots)) &&
		  ew_json_set(o, "timeout", json_integer(r->timeout)) &&
		  ew_json_set(o, "attempts", json_integer(r->attempts)) &&
		  ew_json_set(o, "rotate", json_boolean(r->rotate)) &&
		  ew_json_set(o, "edns0", json_boolean(r->edns0));
	return ew_json_ok(o, ok);
}

static json_t *resolv_conf_json(const struct ew_resolv_report *r)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "error", ew_json_errno(r->resolv_error)) &&
		  ew_json_set(o, "link", ew_json_text(r->resolv_link)) &&
		  ew_json_set(o, "systemd_resolved_stub", json_boolean(r->stub)) &&
		  ew_json_set(o, "nameservers", list_json(r->nameservers, r->n_nameservers)) &&
		  ew_json_set(o, "search", list_json(r->search, r->n_search)) &&
		  ew_json_set(o, "options", options_json(r));
	return ew_json_ok(o, ok);
}

static json_t *hosts_json(const struct ew_resolv_report *r)
{
	json_t *o = json_object(), *lines = json_array();
	bool ok = o && lines;

	for (size_t i = 0; i < r->n_hosts_lines; i++) {
		json_t *l = json_object();
		bool lok = ew_json_set(l, "line", json_integer(r->hosts_lines[i].line)) &&
			   ew_json_set(l, "text", ew_json_text(r->hosts_lines[i].text));
		ok = ok && ew_json_append(lines, ew_json_ok(l, lok));
	}
	ok = ew_json_set(o, "lines", lines) && ok;
	ok = ok && ew_json_set(o, "error", ew_json_errno(r->hosts_error));
	return ew_json_ok(o, ok);
}

json_t *ew_resolv_report_json(const struct ew_resolv_report *r)
{
	json_t *o = json_object();
	bool ok, named;


	named = r->name != NULL;
	ok = ew_json_set(o, "name", ew_json_text(r->name)) &&
	     ew_json_set(o, "invalid", r->invalid ? json_string(r->invalid) : json_null()) &&
	     ew_json_set(o, "dots", named ? json_integer(r->name_dots) : json_null()) &&
	     ew_json_set(o, "absolute", json_boolean(r->absolute)) &&
	     ew_json_set(o, "search_first", json_boolean(r->search_first)) &&
	     ew_json_set(o, "nsswitch", nsswitch_json(r)) &&
	     ew_json_set(o, "resolv_conf", resolv_conf_json(r)) &&
	     ew_json_set(o, "hosts", named ? hosts_json(r) : json_null());
	return ew_json_ok(o, ok);
}

int ew_render_resolv_json(struct ew_buf *b, const struct ew_resolv_report *r, bool pretty)
{
	if (!b || !r)
		return -EINVAL;
	return ew_json_dump(b, ew_resolv_report_json(r), pretty);
}
