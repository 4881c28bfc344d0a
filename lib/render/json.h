/* json.h: jansson values that one renderer builds and another embeds, inside liberrwhy:
 * a lookup's JSON carries the port report under "on_this_machine". */
#ifndef ERRWHY_RENDER_JSON_H
#define ERRWHY_RENDER_JSON_H

#include <jansson.h>

#include "errwhy.h"

json_t *ew_port_report_json(const struct ew_port_report *r);

/* Adds v to o under key (appends it to a), taking v in every case; false when o or v is
 * NULL or the add fails: out of memory. Builders keep a running ok with these, so that no
 * field is ever silently left out, and end with ew_json_ok(o, ok): o, or NULL (o dropped). */
bool ew_json_set(json_t *o, const char *key, json_t *v);
bool ew_json_append(json_t *a, json_t *v);
json_t *ew_json_ok(json_t *o, bool ok);

/* Serialises o into b (pretty: indented) with a final newline, and drops o. 0 or -ENOMEM. */
int ew_json_dump(struct ew_buf *b, json_t *o, bool pretty);
/* The "context" object of a recognised error (lib/render/hit.c). */
json_t *ew_context_json(const struct ew_context *c);

#endif
