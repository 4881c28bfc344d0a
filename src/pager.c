/* pager.c: runs $PAGER for the lookup command's output on a terminal: a pipe onto its stdin,
 * /bin/sh -c so that PAGER may carry options, and a fallback to the terminal if it fails. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pager.h"

/* The command to run, or NULL for none: $PAGER if set, "" and "cat" meaning none, else less. */
static const char *pager_command(void)
{
	const char *pager = getenv("PAGER");

	if (!pager)
		return "less";
	if (pager[strspn(pager, " \t")] == '\0' || strcmp(pager, "cat") == 0)
		return NULL;
	return pager;
}

/* In the child: the pipe as stdin, then the shell. On failure the errno goes up err_fd, which
 * closes by itself (O_CLOEXEC) when exec succeeds: an empty read tells the parent it did. */
static void exec_pager(const char *cmd, int in_fd, int err_fd)
{
	int e;

	if (dup2(in_fd, STDIN_FILENO) < 0)
		goto fail;
	close(in_fd);
	/* errwhy ignores SIGPIPE for its own writes; the pager should not inherit that. */
	signal(SIGPIPE, SIG_DFL);
	/* As git does: quit at once if it fits a screen (F), pass colours (R), keep the text on
	 * the screen afterwards (X). A LESS of the reader's own wins. */
	if (!getenv("LESS"))
		setenv("LESS", "FRX", 1);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
fail:
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0) {
		/* Nothing more can be said: the parent sees the exit status. */
	}
	_exit(127);
}

static void wait_for(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
	}
}

bool ew_pager_start(struct ew_pager *p)
{
	const char *cmd = pager_command();
	int data[2], err[2], e, n;

	*p = (struct ew_pager){.pid = 0, .saved_stdout = -1};
	if (!cmd || !isatty(STDOUT_FILENO))
		return false;
	fflush(stdout);
	if (pipe2(data, O_CLOEXEC) < 0)
		return false;
	if (pipe2(err, O_CLOEXEC) < 0)
		goto close_data;
	p->pid = fork();
	if (p->pid < 0)
		goto close_err;
	if (p->pid == 0) {
		close(data[1]);
		close(err[0]);
		exec_pager(cmd, data[0], err[1]);
	}
	close(data[0]);
	close(err[1]);
	while ((n = (int)read(err[0], &e, sizeof(e))) < 0 && errno == EINTR) {
	}
	close(err[0]);
	if (n > 0) {
		/* The shell itself could not start: the output goes straight to the terminal. */
		close(data[1]);
		wait_for(p->pid, &n);
		p->pid = 0;
		return false;
	}
	p->saved_stdout = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (p->saved_stdout < 0 || dup2(data[1], STDOUT_FILENO) < 0) {
		close(data[1]);
		ew_pager_finish(p);
		return false;
	}
	close(data[1]);
	/* The reader's ^C is for the pager (less handles it); errwhy only waits for it to end. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	return true;

close_err:
	close(err[0]);
	close(err[1]);
close_data:
	close(data[0]);
	close(data[1]);
	p->pid = 0;
	return false;
}

bool ew_pager_finish(struct ew_pager *p)
{
	int status = 0;

	fflush(stdout);
	/* Putting the terminal back on fd 1 closes the pipe's last write end: the pager's EOF. */
	if (p->saved_stdout >= 0) {
		dup2(p->saved_stdout, STDOUT_FILENO);
		close(p->saved_stdout);
		p->saved_stdout = -1;
	}
	if (p->pid <= 0)
		return false;
	wait_for(p->pid, &status);
	p->pid = 0;
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	/* 127 and 126 are the shell's "no such command" and "cannot run it": nothing was shown. */
	return !(WIFEXITED(status) && (WEXITSTATUS(status) == 127 || WEXITSTATUS(status) == 126));
}
