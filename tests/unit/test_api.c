/* test_api.c: an outside program's view. It includes errwhy.h alone and links the shared
 * liberrwhy, as a user of the installed library (pkg-config errwhy) would. */
#include <stdio.h>
#include <string.h>

#include "errwhy.h"

int main(void)
{
	struct ew_match m[4];
	const struct ew_entry *found[3];
	const char *words[] = {"e"};
	struct ew_buf b;
	size_t total = 0, n;

	if (ew_lookup("EADDRINUSE", m, 4, &total) != 1 || total != 1 || m[0].entry->number != 98) {
		fprintf(stderr, "lookup of EADDRINUSE failed\n");
		return 1;
	}
	/* The contract: the return value counts what was written, never more than max. */
	n = ew_search(words, 1, found, 3, &total);
	if (n != 3 || total <= 3) {
		fprintf(stderr, "ew_search wrote %zu of %zu into room for 3\n", n, total);
		return 1;
	}
	if (ew_lookup(NULL, m, 4, NULL) != 0 || ew_suggest(NULL, found, 3, NULL) != 0 ||
	    ew_os_parse(NULL) != 0) {
		fprintf(stderr, "a NULL query matched something\n");
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
