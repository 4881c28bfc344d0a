/* main.c: the errwhy command. It picks the subcommand and hands it the rest of the line;
 * anything that is not a subcommand's name is a lookup ("errwhy EADDRINUSE"). Whatever went to
 * standard output is checked here, once: an answer that could not be written is a failure. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The final flush of stdout, as coreutils' close_stdout does: a full disk or a closed pipe
 * must not pass for success. A reader that went away (errwhy ... | head) is no failure. */
static int flush_stdout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (errno == EPIPE)
		return status;
	return ew_cli_fail(EW_EXIT_SYSTEM, "cannot write to standard output: %s",
			   strerror(errno ? errno : EIO));
}

int main(int argc, char **argv)
{
	int status;

	/* Writing into a closed pipe should be a failed write(), not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "port") == 0)
		status = ew_cmd_port(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "path") == 0)
		status = ew_cmd_path(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "run") == 0)
		status = ew_cmd_run(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "scan") == 0)
		status = ew_cmd_scan(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "repro") == 0)
		status = ew_cmd_repro(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "serve") == 0)
		status = ew_cmd_serve(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "site") == 0)
		status = ew_cmd_site(argc - 1, argv + 1);
	else if (argc > 1 && strcmp(argv[1], "limits") == 0)
		status = ew_cmd_limits(argc - 1, argv + 1);
	else
		status = ew_cmd_lookup(argc, argv);
	return flush_stdout(status);
}
