/* cmd_run.c: errwhy run -- CMD ARGS...: runs a command, passes its output through live, exits
 * with its status, and when it fails says which errors its output showed. Here: parsing,
 * starting the command (on pipes or a pseudo-terminal) and its exit status. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "run.h"

static const char usage_text[] =
	"Usage: errwhy run [--quiet] [--json] [--] COMMAND [ARGS...]\n"
	"\n"
	"Runs COMMAND with its output passed through unchanged and live, and exits with its\n"
	"status (128+N when a signal N killed it; 127 when it cannot be found, 126 when it\n"
	"cannot be executed). When it fails, errwhy then says on standard error which errors\n"
	"its output showed, with the line to read about each; a signal that killed it gets\n"
	"its whole page (what it means, who sends it, what to do). When standard output is a\n"
	"terminal the command runs on a pseudo-terminal, so colours and progress bars stay;\n"
	"otherwise its standard output and standard error stay apart, on two pipes.\n"
	"\n"
	"  --quiet, -q   no explanation: only the command's output and status\n"
	"  --json        the explanation as one JSON object, the last line on standard\n"
	"                error, whether the command failed or not\n"
	"  -h, --help    this text\n"
	"\n"
	"Exit status: the command's. errwhy's own failures: 2 the command line is wrong,\n"
	"3 the system refused something errwhy needed (a pipe, a pseudo-terminal, a fork).\n";

/* Where the child's exec error travels: errno as an int through a close-on-exec pipe. */
static void child_exec(const struct run *r, int errfd)
{
	int e;

	/* What errwhy blocked and ignored (SIGPIPE, in main) is not the command's business. */
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
	execvp(r->argv[0], r->argv);
	e = errno;
	while (write(errfd, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(e == ENOENT ? 127 : 126);
}

static int move_fd(int from, int to)
{
	if (from == to)
		return fcntl(from, F_SETFD, 0);
	return dup2(from, to) < 0 ? -1 : 0;
}

/* The child's side of a pty: its own session, the slave as its controlling terminal. */
static void child_pty(const struct run *r, int slave, int err_w, int errfd)
{
	setsid();
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		_exit(126);
	if (r->in_from >= 0 && move_fd(slave, STDIN_FILENO) < 0)
		_exit(126);
	if (move_fd(slave, STDOUT_FILENO) < 0 || move_fd(err_w >= 0 ? err_w : slave, STDERR_FILENO) < 0)
		_exit(126);
	if (slave > STDERR_FILENO)
		close(slave);
	if (err_w > STDERR_FILENO)
		close(err_w);
	child_exec(r, errfd);
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

/* errwhy's own terminal settings go to the pty, so the command sees what a shell would. */
static int open_pty(struct run *r, int *slave)
{
	struct termios t;
	struct winsize ws;
	bool have_t = tcgetattr(r->in_from >= 0 ? STDIN_FILENO : STDOUT_FILENO, &t) == 0;
	bool have_ws = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0;

	if (openpty(&r->master, slave, NULL, have_t ? &t : NULL, have_ws ? &ws : NULL) < 0)
		return -errno;
	fcntl(r->master, F_SETFD, FD_CLOEXEC);
	fcntl(*slave, F_SETFD, FD_CLOEXEC);
	return set_nonblock(r->master);
}

/* Starts the command. Its output goes to pipes, or to a pty when errwhy's stdout is a
 * terminal; stderr goes to the pty only when errwhy's stderr is a terminal too, so that
 * errwhy run ... 2>log still separates them. */
static int start(struct run *r)
{
	int out_p[2] = {-1, -1}, err_p[2] = {-1, -1}, exec_p[2] = {-1, -1}, slave = -1;
	int ret = 0, e = 0;
	ssize_t n;

	if (pipe2(exec_p, O_CLOEXEC) < 0)
		return -errno;
	if (r->pty) {
		if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp())
			r->in_from = STDIN_FILENO;
		if ((ret = open_pty(r, &slave)) < 0)
			goto out;
		/* Raw before the command starts, so that none of its reading sees the terminal
		 * cooked; the pty has the cooked settings already. */
		run_term_raw(r);
		r->out.from = r->master;
		r->out.pty = true;
	} else if (pipe2(out_p, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out;
	}
	if (!(r->pty && isatty(STDERR_FILENO)) && pipe2(err_p, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out;
	}
	r->pid = fork();
	if (r->pid < 0) {
		ret = -errno;
		goto out;
	}
	if (r->pid == 0) {
		if (r->pty)
			child_pty(r, slave, err_p[1], exec_p[1]);
		if (move_fd(out_p[1], STDOUT_FILENO) < 0 || move_fd(err_p[1], STDERR_FILENO) < 0)
			_exit(126);
		child_exec(r, exec_p[1]);
	}
	close(exec_p[1]);
	exec_p[1] = -1;
	if (!r->pty) {
		r->out.from = out_p[0];
		out_p[0] = -1;
	}
	if (err_p[0] >= 0) {
		r->err.from = err_p[0];
		err_p[0] = -1;
	} else {
		r->err.done = true;
	}
	/* The exec either happened (the pipe closes: EOF) or failed and says why. */
	do
		n = read(exec_p[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(e)) {
		if (e == ENOENT && !strchr(r->argv[0], '/'))
			fprintf(stderr, "errwhy run: '%s': command not found\n",
				ew_cli_quote(r->argv[0]));
		else
			fprintf(stderr, "errwhy run: cannot run '%s': %s\n",
				ew_cli_quote(r->argv[0]), strerror(e));
		r->exec_errno = e; /* the child exits 126 or 127, waited for as any */
	}
out:
	for (int i = 0; i < 2; i++) {
		if (out_p[i] >= 0)
			close(out_p[i]);
		if (err_p[i] >= 0)
			close(err_p[i]);
		if (exec_p[i] >= 0)
			close(exec_p[i]);
	}
	if (slave >= 0)
		close(slave);
	return ret;
}

/* The signals errwhy takes through a signalfd rather than dying of: the child's end, and
 * those it forwards. On a pty the terminal's stop and size signals are errwhy's to handle. */
static int block_signals(struct run *r)
{
	int sigs[] = {SIGCHLD, SIGINT, SIGQUIT, SIGTERM, SIGHUP};
	int pty_sigs[] = {SIGWINCH, SIGTSTP, SIGCONT};

	sigemptyset(&r->blocked);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&r->blocked, sigs[i]);
	for (size_t i = 0; r->pty && i < sizeof(pty_sigs) / sizeof(pty_sigs[0]); i++)
		sigaddset(&r->blocked, pty_sigs[i]);
	if (sigprocmask(SIG_BLOCK, &r->blocked, &r->old_mask) < 0)
		return -errno;
	r->sigfd = signalfd(-1, &r->blocked, SFD_CLOEXEC | SFD_NONBLOCK);
	return r->sigfd < 0 ? -errno : 0;
}

static int parse(int argc, char **argv, struct run *r)
{
	static const struct option longopts[] = {
		{"quiet", no_argument, NULL, 'q'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	optind = 1; /* argv[0] is "run" */
	opterr = 0;
	/* "+": the first operand is the command; everything after it is its own. */
	while ((c = getopt_long(argc, argv, "+qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': r->quiet = true; break;
		case 'j': r->json = true; break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			return ew_cli_usage_error("errwhy run", "unknown option '%s'",
						  ew_cli_quote(argv[optind - 1]));
		}
	}
	if (optind >= argc)
		return ew_cli_usage_error("errwhy run", "which command? errwhy run -- COMMAND [ARGS...]");
	if (r->quiet && r->json)
		return ew_cli_usage_error("errwhy run", "--quiet and --json: choose one");
	r->argv = argv + optind;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd > STDERR_FILENO)
		close(*fd);
	*fd = -1;
}

int ew_cmd_run(int argc, char **argv)
{
	struct run *r = calloc(1, sizeof(*r));
	int ret, code;

	if (!r)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	*r = (struct run){.sigfd = -1, .in_from = -1, .master = -1, .last_out = -1,
			  .last_err = -1, .out = {.from = -1, .to = STDOUT_FILENO},
			  .err = {.from = -1, .to = STDERR_FILENO}};
	ret = parse(argc, argv, r);
	if (ret) {
		free(r);
		return ret < 0 ? EW_EXIT_OK : ret;
	}
	r->pty = isatty(STDOUT_FILENO);
	if ((ret = block_signals(r)) < 0) {
		code = ew_cli_fail(EW_EXIT_SYSTEM, "cannot take signals: %s", strerror(-ret));
		goto out;
	}
	/* The recogniser loads before the command starts, so that its output never waits. One
	 * scanner per stream: lines of stdout and stderr interleave, but do not mix. */
	if (!r->quiet) {
		r->out.scanner = run_scanner_new(&r->report);
		if (!r->report.scan_error && !(r->pty && isatty(STDERR_FILENO)))
			r->err.scanner = run_scanner_new(&r->report);
	}
	ret = start(r);
	if (ret < 0) {
		run_term_restore(r);
		code = ew_cli_fail(EW_EXIT_SYSTEM, "cannot start '%s': %s",
				   ew_cli_quote(r->argv[0]), strerror(-ret));
		goto out;
	}
	if (r->exec_errno)
		run_term_restore(r);
	ret = run_copy(r);
	run_term_restore(r);
	run_scanner_end(&r->report, &r->out.scanner);
	run_scanner_end(&r->report, &r->err.scanner);
	if (ret < 0) {
		code = ew_cli_fail(EW_EXIT_SYSTEM, "lost the command: %s", strerror(-ret));
		goto out;
	}
	if (WIFSIGNALED(r->wait_status))
		code = 128 + WTERMSIG(r->wait_status);
	else
		code = WEXITSTATUS(r->wait_status);
	if (r->write_error)
		fprintf(stderr, "errwhy run: cannot write the command's output: %s\n",
			strerror(-r->write_error));
	/* A command that could not be started has said so already. */
	if (!r->exec_errno || r->json)
		run_explain(r);
	if (r->write_error && code == 0)
		code = EW_EXIT_SYSTEM;
out:
	run_scanner_end(&r->report, &r->out.scanner);
	run_scanner_end(&r->report, &r->err.scanner);
	close_fd(&r->out.from);
	close_fd(&r->err.from);
	close_fd(&r->sigfd);
	sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
	free(r);
	return code;
}
