/* json.h: jansson values that one renderer builds and another embeds, inside liberrwhy:
 * a lookup's JSON carries the port report under "on_this_machine". */
#ifndef ERRWHY_RENDER_JSON_H
#define ERRWHY_RENDER_JSON_H

#include <jansson.h>

#include "errwhy.h"

json_t *ew_port_report_json(const struct ew_port_report *r);

#endif
