/* json_text.h: outside text as a JSON string (the port, OOM and resolver renderers), and the
 * OOM and resolver reports as jansson values for json.c's "on_this_machine". */
#ifndef ERRWHY_RENDER_JSON_TEXT_H
#define ERRWHY_RENDER_JSON_TEXT_H

#include <jansson.h>

/* s as a JSON string with U+FFFD for every byte not part of well-formed UTF-8; JSON null for
 * a NULL s. NULL only when out of memory. */
json_t *ew_json_text(const char *s);
/* strerror's text of a negative errno, or null for 0. */
json_t *ew_json_errno(int err);

struct ew_oom_report;
struct ew_resolv_report;
/* The objects ew_render_oom_json() and ew_render_resolv_json() write, for a lookup's
 * "on_this_machine" to embed; NULL when out of memory. r must not be NULL. */
json_t *ew_oom_report_json(const struct ew_oom_report *r);
json_t *ew_resolv_report_json(const struct ew_resolv_report *r);
struct ew_path_report;
json_t *ew_path_report_json(const struct ew_path_report *r);

struct ew_limits_report;
/* The object ew_render_limits_json() writes, with the parts in parts (of those the report
 * has); NULL when out of memory. */
json_t *ew_limits_report_json(const struct ew_limits_report *r, unsigned parts);

#endif
