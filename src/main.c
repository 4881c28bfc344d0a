/* main.c: the errwhy command. It picks the subcommand and hands it the rest of the line;
 * anything that is not a subcommand's name is a lookup ("errwhy EADDRINUSE"). */
#include <signal.h>
#include <string.h>

#include "cli.h"

int main(int argc, char **argv)
{
	/* Writing into a closed pipe should be a failed write(), not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "port") == 0)
		return ew_cmd_port(argc - 1, argv + 1);
	return ew_cmd_lookup(argc, argv);
}
