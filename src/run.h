/* run.h: what the three files of errwhy run share. cmd_run.c parses and starts the command,
 * cmd_run_io.c copies its output and forwards signals, cmd_run_report.c explains a failure. */
#ifndef ERRWHY_RUN_H
#define ERRWHY_RUN_H

#include <signal.h>
#include <sys/types.h>
#include <termios.h>

#include "cli.h"

/* At most this many distinct errors are remembered (a log can hold any number); the
 * explanation names the most frequent few. */
#define RUN_MAX_ERRORS 64
#define RUN_SHOW_ERRORS 5

/* One distinct error seen in the output: the first hit's context, and how often it came. */
struct run_error {
	char family[16];
	char name[48];
	const struct ew_entry *entry; /* NULL for a resolver error */
	struct ew_context context;
	unsigned long count;
};

struct run_report {
	struct run_error errors[RUN_MAX_ERRORS];
	size_t n_errors;
	unsigned long dropped;  /* hits of errors beyond RUN_MAX_ERRORS */
	int scan_error;         /* 0, or why recognising stopped: -ELIBACC, -ENOMEM, ... */
};

/* One copy from the command to errwhy's own output. */
struct run_stream {
	int from;                    /* the read end, or the pty master; -1 when not used */
	int to;                      /* STDOUT_FILENO or STDERR_FILENO */
	struct ew_scanner *scanner;  /* NULL when not recognising */
	int filter;                  /* where the text for the scanner is: see run_scanner_feed */
	bool pty;                    /* EIO from a pty master is the slave closing: the end */
	bool done;
	bool to_closed;              /* our side went away (EPIPE): read on and discard */
};

struct run {
	char **argv;
	bool quiet, json;
	bool pty;                     /* the command runs on a pseudo-terminal */
	pid_t pid;
	int exec_errno;               /* why the command could not be started; 0 when it was */
	int wait_status;
	bool reaped;
	int sigfd;                    /* signalfd of the blocked signals below */
	sigset_t blocked, old_mask;
	struct run_stream out, err;
	int in_from;                  /* pty mode: errwhy's stdin, forwarded to the master; -1 */
	int master;                   /* pty mode: the master; -1 */
	bool raw;                     /* errwhy's terminal is in raw mode now */
	struct termios saved;         /* its settings before */
	bool have_saved;
	int write_error;              /* 0, or why the output could not be written (not EPIPE) */
	int last_out, last_err;       /* the last byte written to stdout, stderr; -1 none */
	struct run_report report;
};

/* cmd_run_io.c */
/* Copies until the command's output ends and it has exited, forwarding signals. 0 or -errno. */
int run_copy(struct run *r);
/* errwhy's terminal: raw while the command runs on the pty, restored on every way out. */
int run_term_raw(struct run *r);
void run_term_restore(struct run *r);
/* The pty's size from errwhy's terminal. */
void run_copy_winsize(const struct run *r);

/* cmd_run_report.c */
/* A scanner for one stream's text, or NULL with report->scan_error set. */
struct ew_scanner *run_scanner_new(struct run_report *rep);
/* Ends a stream's scanner (its last line is scanned) and frees it. */
void run_scanner_end(struct run_report *rep, struct ew_scanner **s);
/* Feeds n bytes as a person would read them: terminal escape sequences (colours, cursor
 * moves) dropped, a carriage return (a pty's \r\n, a progress bar's redraw) ending a line.
 * *filter carries an escape cut between two reads. A failure stops recognising on this
 * stream and is remembered. */
void run_scanner_feed(struct run_report *rep, struct ew_scanner **s, int *filter,
		      const char *buf, size_t n);
/* After the command ended: the explanation (text or JSON) on stderr, as the options say. */
void run_explain(const struct run *r);

#endif
