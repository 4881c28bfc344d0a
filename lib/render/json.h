/* json.h: jansson values that one renderer builds and another embeds, inside liberrwhy:
 * a lookup's JSON carries the port report under "on_this_machine". */
#ifndef ERRWHY_RENDER_JSON_H
#define ERRWHY_RENDER_JSON_H

#include <jansson.h>

#include "errwhy.h"

json_t *ew_port_report_json(const struct ew_port_report *r);

/* Serialises o into b (pretty: indented) with a final newline, and drops o. 0 or -ENOMEM. */
int ew_json_dump(struct ew_buf *b, json_t *o, bool pretty);

#endif
