/* json_text.h: outside text as a JSON string, for the OOM and resolver renderers. */
#ifndef ERRWHY_RENDER_JSON_TEXT_H
#define ERRWHY_RENDER_JSON_TEXT_H

#include <jansson.h>

/* s as a JSON string with U+FFFD for every byte not part of well-formed UTF-8; JSON null for
 * a NULL s. NULL only when out of memory. */
json_t *ew_json_text(const char *s);
/* strerror's text of a negative errno, or null for 0. */
json_t *ew_json_errno(int err);

#endif
