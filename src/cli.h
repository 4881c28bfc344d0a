/* cli.h: what every errwhy subcommand shares: exit codes, colour and width of the terminal,
 * writing a rendered buffer out. Subcommands live in src/cmd_*.c, one file each. */
#ifndef ERRWHY_CLI_H
#define ERRWHY_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>

#include "errwhy.h"

/* The exit codes, documented in --help and errwhy(1). */
enum {
	EW_EXIT_OK = 0,       /* found / done */
	EW_EXIT_NO = 1,       /* not found, or the condition asked for did not come about */
	EW_EXIT_USAGE = 2,    /* the command line is wrong */
	EW_EXIT_SYSTEM = 3    /* the system refused something we needed (memory, /proc, ...) */
};

enum ew_color_mode { EW_COLOR_AUTO, EW_COLOR_ALWAYS, EW_COLOR_NEVER };

/* Parses the value of --color=; returns -1 for anything else. */
int ew_cli_color_mode(const char *value);
/* Whether to colour stdout: NO_COLOR wins over auto, never over always. */
bool ew_cli_use_color(enum ew_color_mode mode);
/* Columns to wrap at: the terminal's, else $COLUMNS, else 80. */
unsigned ew_cli_width(void);
/* Writes the whole buffer to stdout; 0, or an exit code if it could not. */
int ew_cli_write(const struct ew_buf *b);
/* arg made safe to print (ew_buf_append_escaped): controls, C1 controls, bidi controls and
 * bytes that are not UTF-8 become escapes, and it is cut after 80 characters with "...". A
 * pasted escape sequence must not reach the terminal as one. The result lives until the
 * fourth call after this one, so one message may quote up to four arguments. */
const char *ew_cli_quote(const char *arg);
/* "; did you mean EAGAIN, EACCES or EALREADY?" after a query nothing matched, or nothing. */
void ew_cli_did_you_mean(FILE *out, const char *query);
/* A wrong command line: "COMMAND: " and the message, then "Try 'COMMAND --help'." on stderr.
 * Every argument from the command line goes in through ew_cli_quote(). Returns EW_EXIT_USAGE. */
int ew_cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ew_cli_vusage_error(const char *command, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Prints "errwhy: " and the message to stderr, and returns code, for `return ew_cli_fail(...)`. */
int ew_cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* How a subcommand with operands reads its command line (errwhy port 3000 --json, errwhy path
 * --as nobody /srv/x): options by getopt_long, operands wherever they stand, before or after
 * the options; "--" ends the options, so an operand may start with "-". */
struct ew_cli_args {
	const char *command;           /* "errwhy path", for the messages */
	const char *shortopts;         /* getopt's, without the leading "+:"; -h is --help */
	const struct option *longopts; /* with {"help", no_argument, NULL, 'h'} */
	const char *usage;             /* printed on stdout for --help */
	int (*operand)(const char *arg, void *ctx);        /* 0 or an exit code */
	int (*option)(int c, const char *value, void *ctx); /* 0 or an exit code */
};
/* Reads argv[1..] (argv[0] is the subcommand's name). Returns 0, -1 once --help is printed,
 * or the exit code of a wrong command line (the message is on stderr). */
int ew_cli_parse_args(const struct ew_cli_args *a, int argc, char **argv, void *ctx);

/* The subcommands. Each takes the arguments after its own name and returns an exit code. */
int ew_cmd_lookup(int argc, char **argv);
int ew_cmd_port(int argc, char **argv);
int ew_cmd_path(int argc, char **argv);
int ew_cmd_run(int argc, char **argv);
int ew_cmd_scan(int argc, char **argv);
int ew_cmd_repro(int argc, char **argv);
int ew_cmd_serve(int argc, char **argv);
int ew_cmd_site(int argc, char **argv);
int ew_cmd_limits(int argc, char **argv);

#endif
