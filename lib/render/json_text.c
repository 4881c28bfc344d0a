/* json_text.c: outside text (cgroup paths, log lines, file lines) as JSON strings. jansson
 * refuses strings that are not UTF-8, so bad bytes become U+FFFD rather than a lost field. */
#include <string.h>

#include "json_text.h"
#include "render.h"

json_t *ew_json_text(const char *s)
{
	struct ew_buf b;
	size_t n;
	json_t *v;

	if (!s)
		return json_null();
	n = strlen(s);
	if (ew_utf8_valid(s, n))
		return json_stringn(s, n);
	ew_buf_init(&b);
	for (size_t i = 0, k; i < n; i += k) {
		uint32_t cp;
		k = ew_utf8_char(s + i, n - i, &cp);
		if (k == 0) {
			ew_buf_puts(&b, "\xEF\xBF\xBD");
			k = 1;
		} else {
			ew_buf_append(&b, s + i, k);
		}
	}
	v = b.failed ? NULL : json_stringn(b.data ? b.data : "", b.len);
	ew_buf_free(&b);
	return v;
}

json_t *ew_json_errno(int err)
{
	return err ? json_string(strerror(err < 0 ? -err : err)) : json_null();
}
