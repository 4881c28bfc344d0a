/* child.h: the inside of lib/repro/: the struct ew_repro a body is handed, the records the
 * child sends the runner over a pipe, and the runner's entry point for one body. */
#ifndef ERRWHY_REPRO_CHILD_H
#define ERRWHY_REPRO_CHILD_H

#include "repro/repro.h"

#include "errwhy.h"

struct ew_repro {
	int fd;              /* the write end of the result pipe */
	char dir[PATH_MAX];  /* the private directory, absolute */
	bool root;           /* real root with all its capabilities (until unprivileged) */
	bool userns;         /* in a user namespace of our own: capabilities only there */
	bool netns;          /* in a private network namespace: routes may be added */
	uid_t uid;           /* the ids it started with, for a user namespace's maps */
	gid_t gid;
};

/* One record: a type byte, two bytes of length (host order), then the text. A record is
 * smaller than PIPE_BUF, so one write() delivers it whole, whoever else writes the pipe. */
enum ew_repro_record {
	EW_REC_STEP = 's',
	EW_REC_CALL = 'c',
	EW_REC_SKIP = 'k',
	EW_REC_FAIL = 'f',
	EW_REC_END = 'e'     /* the body's return value, in decimal: the last record */
};
#define EW_REC_TEXT_MAX 400

/* Sends one record; text longer than EW_REC_TEXT_MAX is cut. Errors are ignored: the runner
 * sees a missing record as a child that ended without saying. */
void ew_repro_send(struct ew_repro *r, enum ew_repro_record type, const char *text);

/* "EADDRINUSE (Address already in use)", "SIGKILL (Killed)", "exit status 127": a body's
 * value in its family's words; a string to free, or NULL when out of memory. */
char *ew_repro_value_words(enum ew_family family, int v);

/* Runs fn as a reproduction that expects errno expected, killed after limit_ms, into out
 * (see ew_repro_run()). The unit tests call it with bodies of their own. */
int ew_repro_run_fn(int (*fn)(struct ew_repro *r), enum ew_family family, int expected,
		    unsigned limit_ms,
		    struct ew_repro_report *out);

/* Removes the private directory dir and everything in it, giving back the permissions a body
 * took away, without following a symbolic link or crossing into another mount: 0 or -errno. */
int ew_repro_remove_dir(const char *dir);

#endif
