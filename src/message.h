/* message.h: answering a pasted message or piped text (`errwhy "<message>"`,
 * `npm start 2>&1 | errwhy`): the errors recognised in it, with their context and pages. */
#ifndef ERRWHY_MESSAGE_H
#define ERRWHY_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "errwhy.h"

struct ew_message_opts {
	bool json, brief;
	int pid; /* --pid: the process whose limits EMFILE's page shows; 0 errwhy's parent */
	struct ew_text_style style;
};

/* The errors in text (n bytes), rendered into out. Returns an exit code: EW_EXIT_NO when
 * nothing was recognised (out untouched; the caller says so), EW_EXIT_SYSTEM when the
 * recogniser could not run (said on stderr). */
int ew_answer_message(const char *text, size_t n, const struct ew_message_opts *o,
		      struct ew_buf *out);
/* The same for standard input, read as it comes (any length, constant memory);
 * EW_EXIT_USAGE when it was empty (the caller shows the usage). */
int ew_answer_stdin(const struct ew_message_opts *o, struct ew_buf *out);

#endif
