/* cmd_serve.c: `errwhy serve`: the catalog as a web site on this machine. The server is a
 * program of its own, errwhy-serve, run in errwhy's place, so that errwhy itself (a lookup)
 * never loads libmicrohttpd or zlib. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
	"usage: errwhy serve [--listen ADDR] [OPTION]...\n"
	"\n"
	"Serves the catalog as a web site: / lists every error by family, and\n"
	"/FAMILY/NAME is an entry's page: /errno/EADDRINUSE, /signal/SIGKILL, /exit/137,\n"
	"/resolver/EAI_NONAME, /kernel/EPROBE_DEFER. A number, an alias or another\n"
	"spelling redirects to it within the family (/errno/98, /signal/kill, /signal/9,\n"
	"/exit/EXIT_EXEC, /resolver/-2). /search?q= reads a name, a number or a pasted\n"
	"message as errwhy does, and /api/v1/errors, /api/v1/errors/NAME (any family:\n"
	"SIGKILL, 137) and /api/v1/identify?text= answer in JSON. Every page is built at\n"
	"start-up and served from memory. SIGINT (Ctrl-C) or SIGTERM stops it.\n"
	"\n"
	"  -l, --listen ADDR      HOST:PORT, [IPV6]:PORT or PORT; default 127.0.0.1:8080;\n"
	"                         port 0 takes any free one. The address is printed as\n"
	"                         errwhy serve: http://HOST:PORT/ (N pages; Ctrl-C stops)\n"
	"      --public           allow an address that is not loopback (0.0.0.0, a LAN\n"
	"                         address): other machines can then reach the server\n"
	"      --idle-timeout S   drop a connection idle for S seconds (10; 0: never)\n"
	"      --max-connections N  connections at once, in all (512)\n"
	"      --max-per-ip N     connections at once from one address (128)\n"
	"      --threads N        worker threads (one per CPU)\n"
	"      --verbose          show libmicrohttpd's messages about clients\n"
	"  -h, --help             this text\n"
	"\n"
	"If the port is taken, errwhy says who holds it (as errwhy port does) and how to\n"
	"pick another. The server is errwhy-serve, looked for beside errwhy, then in\n"
	EW_LIBEXECDIR ".\n"
	"\n"
	"exit status: 0 stopped by SIGINT or SIGTERM, 1 cannot listen on the address\n"
	"(in use, a privileged port, not an address of this machine), 2 the command line\n"
	"is wrong, 3 the system refused something errwhy needed (memory, threads,\n"
	"errwhy-serve missing)\n";

/* Where errwhy-serve is: beside this errwhy (installed side by side, or a copy), in the build
 * tree's web/ (errwhy is in src/), or where it is installed. 0 and its path in out, or -ENOENT. */
static int find_server(char *out, size_t size)
{
	static const char *const beside[] = {"", "/../web"};
	char self[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		dir = dirname(self);
		for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++)
			if (snprintf(out, size, "%s%s/errwhy-serve", dir, beside[i]) < (int)size &&
			    access(out, X_OK) == 0)
				return 0;
	}
	if (snprintf(out, size, "%s/errwhy-serve", EW_LIBEXECDIR) < (int)size &&
	    access(out, X_OK) == 0)
		return 0;
	return -ENOENT;
}

int ew_cmd_serve(int argc, char **argv)
{
	char path[PATH_MAX];

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage_text, stdout);
			return EW_EXIT_OK;
		}
	}
	if (find_server(path, sizeof(path)) < 0)
		return ew_cli_fail(EW_EXIT_SYSTEM, "serve: the server program errwhy-serve is not "
				   "installed: not beside errwhy, nor in %s", EW_LIBEXECDIR);
	fflush(stdout);
	argv[0] = "errwhy-serve";
	execv(path, argv);
	return ew_cli_fail(EW_EXIT_SYSTEM, "serve: cannot run %s: %s", path, strerror(errno));
}
