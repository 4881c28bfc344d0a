/* pager.h: long output on a terminal goes through $PAGER (less -FRX by default), as git and
 * man do; into a pipe or a file it never does. */
#ifndef ERRWHY_PAGER_H
#define ERRWHY_PAGER_H

#include <stdbool.h>
#include <sys/types.h>

struct ew_pager {
	pid_t pid;        /* the pager's shell, or 0 when none runs */
	int saved_stdout; /* the original stdout while the pager has it, else -1 */
};

/* Starts the pager with stdout redirected into it, when stdout is a terminal and $PAGER does
 * not say "none" (empty or "cat"). Decide everything that looks at stdout (colour, width)
 * before. Returns true when a pager runs; false when it should not or could not start, and
 * stdout is then untouched. */
bool ew_pager_start(struct ew_pager *p);

/* Flushes stdout, hands the pager EOF, waits for it and gives stdout back. Returns true when
 * the pager ran, false when it never did (its shell found no such command): the caller then
 * writes the output again, straight to the terminal. */
bool ew_pager_finish(struct ew_pager *p);

#endif
