/* context_file.c: what a message says was done to its path, in the words of `errwhy path
 * --for`: "write" from cp's "cannot create regular file" (O_WRONLY|O_CREAT), "create" from
 * mkdir's "cannot create directory", "delete" from rm's "cannot remove",
 * "exec" from a shell's "bash: ./x: Permission denied", and a rename's two paths. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "identify.h"

#define PHRASE_WINDOW 2048 /* bytes before the error text where its phrase may stand */

/* Phrases of coreutils, util-linux and the shells, before the error text. */
static const struct {
	const char *phrase;
	const char *op;
} phrases[] = {
	{"for reading", "read"},
	{"for writing", "write"},
	{"cannot create regular file", "write"},
	{"cannot create directory", "create"},
	{"cannot create symbolic link", "create"},
	{"cannot create hard link", "create"},
	{"cannot create fifo", "create"},
	{"cannot make directory", "create"},
	{"cannot touch", "write"},
	{"cannot remove", "delete"},
	{"failed to remove", "delete"},
	{"cannot unlink", "delete"},
	{"cannot move", "rename"},
	{"cannot rename", "rename"},
	{"cannot overwrite", "write"},
	{"cannot execute", "exec"},
	{"cannot run", "exec"},
	{"cannot open directory", "list"},
	{"cannot read directory", "list"},
	{"cannot change directory", "search"},
	{"cannot chdir", "search"},
};

/* What a system call or library function does to its path, as an `errwhy path` operation.
 * Calls that only change metadata (chmod, utime) have none. */
static const struct {
	const char *call;
	const char *op;
} calls[] = {
	{"access", "read"},    {"chdir", "search"},   {"copyfile", "read"}, {"creat", "create"},
	{"exec", "exec"},      {"execve", "exec"},    {"fstat", "read"},    {"fsync", "write"},
	{"ftruncate", "write"}, {"link", "create"},   {"lstat", "read"},    {"mkdir", "create"},
	{"mkdtemp", "create"}, {"open", "read"},      {"openat", "read"},   {"opendir", "list"},
	{"read", "read"},      {"readlink", "read"},  {"realpath", "read"}, {"rename", "rename"},
	{"rmdir", "delete"},   {"scandir", "list"},   {"spawn", "exec"},    {"stat", "read"},
	{"statx", "read"},     {"symlink", "create"}, {"truncate", "write"}, {"unlink", "delete"},
	{"unlinkat", "delete"}, {"write", "write"},   {"writev", "write"},
};

static void copy_out(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A shell reporting a command it could not run: "bash: ./x: Permission denied",
 * "-bash: /opt/app: ...", "sh: 1: ./x: ...", "zsh: permission denied: ./x". */
static bool shell_line(const char *line, size_t len)
{
	static const char *const shells[] = {"bash: ", "-bash: ", "sh: ", "dash: ", "zsh: ",
					     "ksh: ", "/bin/sh: ", "/bin/bash: "};
	for (size_t i = 0; i < sizeof(shells) / sizeof(*shells); i++) {
		size_t n = strlen(shells[i]);
		if (len > n && strncmp(line, shells[i], n) == 0)
			return true;
	}
	return false;
}

/* The text between the quotes that open at line[i] (', " or ‘…’), as [*s, *s + *n). */
static bool quoted_at(const char *line, size_t len, size_t i, size_t *s, size_t *n)
{
	const char *open = line + i, *close;
	size_t o = 1;
	const char *want = NULL;

	if (i >= len)
		return false;
	if (*open == '\'' || *open == '"')
		want = *open == '\'' ? "'" : "\"";
	else if (i + 3 <= len && memcmp(open, "\xe2\x80\x98", 3) == 0)
		want = "\xe2\x80\x99", o = 3;
	if (!want)
		return false;
	close = memmem(open + o, len - i - o, want, strlen(want));
	if (!close || close == open + o)
		return false;
	*s = i + o;
	*n = (size_t)(close - (open + o));
	return true;
}

/* A rename's two paths: mv's "cannot move 'A' to 'B'", Node's "rename 'A' -> 'B'", Python's
 * "'A' -> 'B'", Go's "rename A B:". The source becomes ctx->path. */
static void read_rename(struct ew_context *ctx, const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t s1, n1, s2, n2, k;
		if (!quoted_at(line, len, i, &s1, &n1))
			continue;
		k = s1 + n1 + (line[i] == '\'' || line[i] == '"' ? 1 : 3);
		size_t sep = k + 4 <= len && memcmp(line + k, " -> ", 4) == 0	 ? 4
			     : k + 4 <= len && memcmp(line + k, " to ", 4) == 0 ? 4
										 : 0;
		if (sep && quoted_at(line, len, k + sep, &s2, &n2)) {
			copy_out(ctx->path, sizeof(ctx->path), line + s1, n1);
			copy_out(ctx->rename_to, sizeof(ctx->rename_to), line + s2, n2);
			return;
		}
		i = s1 + n1;
	}
	const char *go = memmem(line, len, "rename /", 8);
	if (go) {
		const char *a = go + 7, *end = line + len;
		const char *sp = memchr(a, ' ', (size_t)(end - a));
		const char *colon = sp ? memchr(sp + 1, ':', (size_t)(end - sp - 1)) : NULL;
		if (sp && colon && colon > sp + 1 && !memchr(sp + 1, ' ', (size_t)(colon - sp - 1))) {
			copy_out(ctx->path, sizeof(ctx->path), a, (size_t)(sp - a));
			copy_out(ctx->rename_to, sizeof(ctx->rename_to), sp + 1, (size_t)(colon - sp - 1));
		}
	}
}

static const char *op_of_call(const char *call)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++)
		if (strcmp(calls[i].call, call) == 0)
			return calls[i].op;
	return NULL;
}

void ew_context_read_file_op(struct ew_context *ctx, const char *line, size_t len, size_t start)
{
	const char *op = NULL;

	if (ctx->file_op[0])
		return;
	/* The words stand just before the error, its path between them ("cp: cannot create
	 * regular file '/x': ..."): a window, so a long line's many hits each read little. */
	size_t from = start > PHRASE_WINDOW ? start - PHRASE_WINDOW : 0;
	for (size_t i = 0; i < sizeof(phrases) / sizeof(*phrases) && !op; i++) {
		size_t n = strlen(phrases[i].phrase);
		for (size_t k = from; !op && k + n <= start; k++)
			if (strncasecmp(line + k, phrases[i].phrase, n) == 0)
				op = phrases[i].op;
	}
	if (!op && ctx->syscall[0])
		op = op_of_call(ctx->syscall);
	if (!op && ctx->path[0] && shell_line(line, len))
		op = "exec";
	/* Python's "Invalid cross-device link: 'A' -> 'B'" names no call; "->" alone would also
	 * be a symlink's two paths, so only the cross-device text makes it a rename. */
	if (!op && memmem(line, len, "cross-device", 12))
		op = "rename";
	if (!op)
		return;
	copy_out(ctx->file_op, sizeof(ctx->file_op), op, strlen(op));
	if (strcmp(op, "rename") == 0)
		read_rename(ctx, line, len);
}
