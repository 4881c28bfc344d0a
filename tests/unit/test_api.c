/* test_api.c: an outside program's view. It includes errwhy.h alone and links the shared
 * liberrwhy, as a user of the installed library (pkg-config errwhy) would. */
#include <stdio.h>
#include <string.h>

#include "errwhy.h"

int main(void)
{
	struct ew_match m[4];
	struct ew_buf b;

	if (ew_lookup("EADDRINUSE", m, 4) != 1 || m[0].entry->number != 98) {
		fprintf(stderr, "lookup of EADDRINUSE failed\n");
		return 1;
	}
	ew_buf_init(&b);
	if (ew_render_text(&b, &m[0], &(struct ew_text_style){.width = 80}, NULL) != 0 ||
	    !strstr(b.data, "What this means")) {
		fprintf(stderr, "the page did not render\n");
		return 1;
	}
	ew_buf_free(&b);
	printf("ok: %zu entries through the shared library\n", ew_entry_count());
	return 0;
}
