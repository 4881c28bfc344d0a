/* context.c: reads from a line where its error happened: the port and address, the path, the
 * operation or system call, and the process id. Heuristics over the forms real programs print
 * (Node's ":::3000", Go's "listen tcp :8080: bind:", Python's ": '/etc/shadow'", strace's
 * "openat(AT_FDCWD, \"/x\", ...)", syslog's "sshd[1234]:"); what they cannot tell stays unset. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "identify.h"

/* Operations programs name next to their errors: system calls and their library wrappers. */
static const char *const operations[] = {
	"accept", "access", "bind", "chdir", "chmod", "chown", "close", "connect", "copyfile",
	"creat", "dial", "execve", "exec", "fstat", "fsync", "ftruncate", "getaddrinfo", "ioctl",
	"kill", "lchown", "link", "listen", "lstat", "lutimes", "mkdir", "mkdtemp", "mmap",
	"mount", "open", "openat", "opendir", "read", "readlink", "realpath", "recv", "recvfrom",
	"recvmsg", "rename", "rmdir", "scandir", "send", "sendmsg", "sendto", "setsockopt",
	"socket", "spawn", "stat", "statx", "symlink", "truncate", "umount", "unlink", "unlinkat",
	"utime", "watch", "write", "writev",
};

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

void ew_context_clear(struct ew_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->port = -1;
	ctx->pid = -1;
}

static void copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* ---- address and port ---- */

/* host:port where host is an IP address, "localhost", a dotted host name or empty after
 * "tcp "/"udp " (Go's ":8080"). Times ("12:34:56") are none of those. */
static bool valid_host(const char *h, size_t n, bool after_net)
{
	char buf[64];
	unsigned char tmp[16];
	bool letter = false, dot = false;

	if (n == 0)
		return after_net;
	if (n >= sizeof(buf))
		return false;
	if (h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	copy(buf, sizeof(buf), h, n);
	if (inet_pton(AF_INET, buf, tmp) == 1 || inet_pton(AF_INET6, buf, tmp) == 1)
		return true;
	if (strcasecmp(buf, "localhost") == 0)
		return true;
	for (size_t i = 0; i < n; i++) {
		if (!(is_alnum((unsigned char)buf[i]) || buf[i] == '-' || buf[i] == '.'))
			return false;
		letter |= (buf[i] | 32) >= 'a' && (buf[i] | 32) <= 'z';
		dot |= buf[i] == '.';
	}
	return letter && dot && buf[n - 1] != '.';
}

static bool set_port(struct ew_context *ctx, const char *s, size_t n)
{
	long v = 0;
	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	if (v < 1 || v > 65535)
		return false;
	ctx->port = (int)v;
	return true;
}

/* One token (no spaces, quotes or brackets around it) that may be host:port. */
static bool read_hostport(struct ew_context *ctx, const char *line, size_t ts, size_t te)
{
	const char *t = line + ts;
	size_t n = te - ts, colon, digits = 0;
	bool after_net;

	while (n && strchr(",;.:)'\"", t[n - 1]))
		n--;
	while (n && strchr("(\"'", t[0])) {
		t++;
		n--;
		ts++;
	}
	while (digits < n && is_digit((unsigned char)t[n - 1 - digits]))
		digits++;
	if (digits == 0 || digits == n || t[n - 1 - digits] != ':')
		return false;
	colon = n - 1 - digits;
	after_net = ts >= 4 && (strncmp(line + ts - 4, "tcp ", 4) == 0 ||
				strncmp(line + ts - 4, "udp ", 4) == 0);
	if (strncmp(t, "tcp://", 6) == 0 || strncmp(t, "http://", 7) == 0) {
		size_t skip = t[0] == 't' ? 6 : 7;
		t += skip;
		colon -= skip;
	}
	if (!valid_host(t, colon, after_net))
		return false;
	if (!set_port(ctx, t + colon + 1, digits))
		return false;
	copy(ctx->address, sizeof(ctx->address), t, colon);
	if (ctx->address[0] == '[') /* [::1]:80 -> ::1 */
		copy(ctx->address, sizeof(ctx->address), t + 1, colon >= 2 ? colon - 2 : 0);
	return true;
}

/* "port 5432", "port=5432", "port: 5432" */
static bool read_port_word(struct ew_context *ctx, const char *line, size_t len)
{
	for (size_t i = 0; i + 5 < len; i++) {
		if (strncasecmp(line + i, "port", 4) != 0 || (i && is_alnum((unsigned char)line[i - 1])))
			continue;
		size_t k = i + 4;
		while (k < len && (line[k] == ' ' || line[k] == '=' || line[k] == ':'))
			k++;
		size_t d = 0;
		while (k + d < len && is_digit((unsigned char)line[k + d]))
			d++;
		if (k > i + 4 && d && (k + d == len || !is_alnum((unsigned char)line[k + d])) &&
		    set_port(ctx, line + k, d))
			return true;
	}
	return false;
}

static void read_address(struct ew_context *ctx, const char *line, size_t len)
{
	for (size_t i = 0; i < len && ctx->port < 0;) {
		size_t e = i;
		while (e < len && line[e] != ' ' && line[e] != '\t')
			e++;
		if (e > i)
			read_hostport(ctx, line, i, e);
		i = e + 1;
	}
	if (ctx->port < 0)
		read_port_word(ctx, line, len);
}

/* ---- path ---- */

static bool path_like(const char *s, size_t n)
{
	if (n == 0 || n > 1000 || memchr(s, '\n', n))
		return false;
	if (n > 2 && s[1] == ':' && (s[2] == '\\' || s[2] == '/'))
		return true; /* C:\ */
	return s[0] == '/' || s[0] == '~' || (s[0] == '.' && n > 1) || memchr(s, '/', n);
}

static bool url_like(const char *s, size_t n)
{
	const char *m = memmem(s, n, "://", 3);
	return m != NULL;
}

static bool is_ip(const char *s, size_t n)
{
	char buf[64];
	unsigned char tmp[16];
	if (n >= sizeof(buf))
		return false;
	copy(buf, sizeof(buf), s, n);
	return inet_pton(AF_INET, buf, tmp) == 1 || inet_pton(AF_INET6, buf, tmp) == 1;
}

/* A quoted string: Python's ": 'foo.txt'" right after the text counts even without a slash. */
static bool read_quoted(struct ew_context *ctx, const char *line, size_t len, size_t end)
{
	for (size_t i = 0; i < len; i++) {
		if (line[i] != '\'' && line[i] != '"' && line[i] != '`')
			continue;
		const char *close = memchr(line + i + 1, line[i], len - i - 1);
		if (!close)
			return false;
		size_t s = i + 1, n = (size_t)(close - line) - s;
		bool right_after = i >= end && i - end <= 2;
		bool before_colon = (size_t)(close - line) + 2 < len && close[1] == ':' &&
				    close[2] == ' ';
		if (n && !url_like(line + s, n) &&
		    (path_like(line + s, n) || right_after || before_colon) &&
		    !memchr(line + s, ' ', n) && !is_ip(line + s, n)) {
			copy(ctx->path, sizeof(ctx->path), line + s, n);
			return true;
		}
		i = (size_t)(close - line);
	}
	return false;
}

/* An unquoted /path (Go's "open /etc/x: no such file", Java's "/x (No such file ...)"). */
static void read_bare_path(struct ew_context *ctx, const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (line[i] != '/' || (i && line[i - 1] != ' ' && line[i - 1] != '='))
			continue;
		size_t e = i;
		while (e < len && line[e] != ' ' && line[e] != '\'' && line[e] != '"' &&
		       line[e] != ',' && line[e] != ')' && line[e] != '(')
			e++;
		while (e > i + 1 && (line[e - 1] == ':' || line[e - 1] == '.'))
			e--;
		if (e - i > 1 && !url_like(line + i, e - i)) {
			copy(ctx->path, sizeof(ctx->path), line + i, e - i);
			return;
		}
	}
}

/* ---- operation ---- */

static bool is_operation(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(operations) / sizeof(*operations); i++)
		if (strlen(operations[i]) == n && strncmp(operations[i], s, n) == 0)
			return true;
	return false;
}

/* The nearest operation word before the span ("listen EADDRINUSE", "bind: address ...",
 * "open: No such file"), then after it (Node's ", open '/x'"), then strace's "name(". */
static void read_syscall(struct ew_context *ctx, const char *line, size_t len, size_t start,
			 size_t end)
{
	size_t i = start;
	for (int words = 0; i > 0 && words < 3; words++) {
		while (i > 0 && !is_alnum((unsigned char)line[i - 1]) && line[i - 1] != '_')
			i--;
		size_t e = i;
		while (i > 0 && (is_alnum((unsigned char)line[i - 1]) || line[i - 1] == '_'))
			i--;
		if (is_operation(line + i, e - i)) {
			copy(ctx->syscall, sizeof(ctx->syscall), line + i, e - i);
			return;
		}
	}
	for (size_t k = end; k + 2 < len && k < end + 4; k++)
		if (line[k] == ',' && line[k + 1] == ' ') {
			size_t s = k + 2, e = s;
			while (e < len && is_alnum((unsigned char)line[e]))
				e++;
			if (is_operation(line + s, e - s)) {
				copy(ctx->syscall, sizeof(ctx->syscall), line + s, e - s);
				return;
			}
		}
	size_t s = 0;
	while (s < len && (line[s] == ' ' || line[s] == '['))
		s++;
	size_t e = s;
	while (e < len && (is_alnum((unsigned char)line[e]) || line[e] == '_'))
		e++;
	if (e < len && line[e] == '(' && is_operation(line + s, e - s))
		copy(ctx->syscall, sizeof(ctx->syscall), line + s, e - s);
}

/* ---- pid ---- */

static bool digits_at(const char *s, size_t len, size_t i, long *out)
{
	size_t d = 0;
	long v = 0;
	while (i + d < len && d < 9 && is_digit((unsigned char)s[i + d]))
		v = v * 10 + (s[i + d++] - '0');
	if (!d || (i + d < len && is_alnum((unsigned char)s[i + d])))
		return false;
	*out = v;
	return true;
}

/* "name[1234]:" (syslog), "pid 1234", "pid=1234", "[pid 1234]" (strace). */
static void read_pid(struct ew_context *ctx, const char *line, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++) {
		long v;
		if (strncasecmp(line + i, "pid", 3) == 0 && (i == 0 || !is_alnum((unsigned char)line[i - 1]))) {
			size_t k = i + 3;
			while (k < len && (line[k] == ' ' || line[k] == '=' || line[k] == ':'))
				k++;
			if (k > i + 3 && digits_at(line, len, k, &v)) {
				ctx->pid = v;
				return;
			}
		}
		if (line[i] == '[' && i > 0 && is_alnum((unsigned char)line[i - 1]) &&
		    digits_at(line, len, i + 1, &v)) {
			size_t k = i + 1;
			while (k < len && is_digit((unsigned char)line[k]))
				k++;
			if (k + 1 < len && line[k] == ']' && line[k + 1] == ':') {
				ctx->pid = v;
				return;
			}
		}
	}
}

void ew_context_read(struct ew_context *ctx, const char *line, size_t len, size_t start,
		     size_t end)
{
	if (ctx->port < 0)
		read_address(ctx, line, len);
	if (!ctx->path[0] && !read_quoted(ctx, line, len, end))
		read_bare_path(ctx, line, len);
	if (!ctx->syscall[0])
		read_syscall(ctx, line, len, start, end);
	if (ctx->pid < 0)
		read_pid(ctx, line, len);
}
