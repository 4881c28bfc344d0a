/* context.c: reads from a line where its error happened: the port and address, the path, the
 * operation or system call, and the process id. Heuristics over the forms real programs print
 * (Node's ":::3000", Go's "listen tcp :8080: bind:", Python's ": '/etc/shadow'", strace's
 * "openat(AT_FDCWD, \"/x\", ...)", syslog's "sshd[1234]:"); what they cannot tell stays unset. */
#include <arpa/inet.h>
#include <stdint.h>
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
	if (!letter || !dot || buf[n - 1] == '.')
		return false;
	/* "main.go:26" is a source line, not a host and port. */
	static const char *const sources[] = {
		"c", "cc", "cpp", "cs", "erl", "ex", "exs", "go", "h", "hpp", "java", "js", "json",
		"jsx", "kt", "log", "lua", "php", "pl", "py", "rb", "rs", "scala", "sh", "swift",
		"ts", "tsx", "txt", "xml", "yaml", "yml",
	};
	const char *ext = strrchr(buf, '.') + 1;
	for (size_t i = 0; i < sizeof(sources) / sizeof(*sources); i++)
		if (strcasecmp(ext, sources[i]) == 0)
			return false;
	return true;
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

static bool is_ip(const char *s, size_t n);

static bool host_char(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == ':' || c == '%' || c == '[' || c == ']' ||
	       c == '_';
}

/* The host:port whose colon is at line[colon]: the host walked back over (a Java "/" or
 * "localhost/" before an address ends it), the port's digits after. */
static bool read_hostport_at(struct ew_context *ctx, const char *line, size_t len, size_t colon)
{
	size_t d = 0, h = colon;

	while (colon + 1 + d < len && d < 6 && is_digit((unsigned char)line[colon + 1 + d]))
		d++;
	if (d == 0 || d > 5 || (colon + 1 + d < len && (is_alnum((unsigned char)line[colon + 1 + d]) ||
							line[colon + 1 + d] == '.')))
		return false;
	while (h > 0 && host_char((unsigned char)line[h - 1]))
		h--;
	/* "2026-12-01T12:00:00": a colon inside the walked-back host is a time, not IPv6,
	 * unless the host is an IPv6 address (valid_host decides). */
	bool after_net = h >= 4 && (strncmp(line + h - 4, "tcp ", 4) == 0 ||
				    strncmp(line + h - 4, "udp ", 4) == 0);
	if (!valid_host(line + h, colon - h, after_net) || !set_port(ctx, line + colon + 1, d))
		return false;
	size_t hs = h, he = colon;
	if (he > hs + 1 && line[hs] == '[' && line[he - 1] == ']') {
		hs++;
		he--;
	}
	copy(ctx->address, sizeof(ctx->address), line + hs, he - hs);
	return true;
}

/* "port 5432", "port=5432", "port: 5432", Erlang's "{port,8088}", strace's "htons(4000)" */
static bool read_port_word(struct ew_context *ctx, const char *line, size_t len)
{
	for (size_t i = 0; i + 5 < len; i++) {
		size_t k;
		if (strncasecmp(line + i, "htons(", 6) == 0)
			k = i + 6;
		else if (strncasecmp(line + i, "port", 4) == 0 &&
			 (i == 0 || !is_alnum((unsigned char)line[i - 1])))
			k = i + 4;
		else
			continue;
		size_t word_end = k;
		while (k < len && (line[k] == ' ' || line[k] == '=' || line[k] == ':' || line[k] == ','))
			k++;
		size_t d = 0;
		while (k + d < len && is_digit((unsigned char)line[k + d]))
			d++;
		if ((k > word_end || line[word_end - 1] == '(') && d &&
		    (k + d == len || !is_alnum((unsigned char)line[k + d])) && set_port(ctx, line + k, d))
			return true;
	}
	return false;
}

/* Python's address tuple: ('0.0.0.0', 8080) */
static bool read_tuple(struct ew_context *ctx, const char *line, size_t len)
{
	for (const char *p = memchr(line, '(', len); p; p = memchr(p + 1, '(', len - (size_t)(p + 1 - line))) {
		size_t i = (size_t)(p - line) + 1;
		if (i >= len || (line[i] != '\'' && line[i] != '"'))
			continue;
		const char *q = memchr(line + i + 1, line[i], len - i - 1);
		if (!q || !is_ip(line + i + 1, (size_t)(q - line) - i - 1))
			continue;
		size_t k = (size_t)(q - line) + 1, d = 0;
		if (k + 2 > len || line[k] != ',')
			continue;
		k += 1 + (line[k + 1] == ' ');
		while (k + d < len && is_digit((unsigned char)line[k + d]))
			d++;
		if (k + d < len && line[k + d] == ')' && set_port(ctx, line + k, d)) {
			copy(ctx->address, sizeof(ctx->address), line + i + 1, (size_t)(q - line) - i - 1);
			return true;
		}
	}
	return false;
}

/* The first host:port of the line; else a port named in words. */
static void read_address(struct ew_context *ctx, const char *line, size_t len)
{
	for (const char *c = memchr(line, ':', len); c && ctx->port < 0;
	     c = memchr(c + 1, ':', len - (size_t)(c + 1 - line)))
		read_hostport_at(ctx, line, len, (size_t)(c - line));
	if (ctx->port < 0 && !read_tuple(ctx, line, len))
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
	return s && n >= 3 && memmem(s, n, "://", 3) != NULL;
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

/* A Java socket address ("/127.0.0.1:6379") is no path. */
static bool address_like(const char *s, size_t n)
{
	const char *colon = memrchr(s, ':', n);
	return is_ip(s + (s[0] == '/'), (colon ? (size_t)(colon - s) : n) - (s[0] == '/'));
}

struct path_cand {
	size_t at, n;
	int strength; /* 2: quoted just after the text; 1: named by a call, fopen(/x); 0 */
};

static size_t quote_end(const char *line, size_t len, size_t i, char *close)
{
	static const char *const pairs[][2] = {
		{"'", "'"}, {"\"", "\""}, {"`", "`"}, {"\xe2\x80\x9e", "\xe2\x80\x9c"},
		{"\xe2\x80\x98", "\xe2\x80\x99"}, {"\xe2\x80\x9c", "\xe2\x80\x9d"},
		{"\xc2\xab", "\xc2\xbb"}};
	for (size_t p = 0; p < sizeof(pairs) / sizeof(*pairs); p++) {
		size_t o = strlen(pairs[p][0]);
		if (i + o <= len && memcmp(line + i, pairs[p][0], o) == 0) {
			const char *c = memmem(line + i + o, len - i - o, pairs[p][1], strlen(pairs[p][1]));
			*close = (char)strlen(pairs[p][1]);
			return c ? (size_t)(c - line) : SIZE_MAX;
		}
	}
	return SIZE_MAX;
}

static bool has_alnum(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (is_alnum((unsigned char)s[i]))
			return true;
	return false;
}

/* A quote opening at s just after the text: ": 'x'" (Python) or ", open 'x'" (Node). */
static bool after_text(const char *line, size_t end, size_t s)
{
	if (s < end + 1 || s - end > 16)
		return false;
	for (size_t i = end; i + 1 < s; i++)
		if (!(is_alnum((unsigned char)line[i]) || line[i] == ' ' || line[i] == ',' ||
		      line[i] == ':' || line[i] == '_'))
			return false;
	return true;
}

/* Every string in the line that may be the path: quoted ones, call arguments, and bare
 * tokens starting with / ./ ../ ~/. */
static size_t path_cands(const char *line, size_t len, size_t start, size_t end,
			 struct path_cand *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < max; i++) {
		char close_len = 0;
		size_t q = quote_end(line, len, i, &close_len);
		if (q != SIZE_MAX) {
			size_t o = (unsigned char)line[i] < 0x80 ? 1 : ((unsigned char)line[i] == 0xc2 ? 2 : 3);
			size_t s = i + o, k = q - s;
			bool next_to_text = after_text(line, end, s) ||
					    (q + (size_t)close_len + 2 <= start && q + (size_t)close_len + 2 >= start - 1 &&
					     line[q + (size_t)close_len] == ':');
			if (k && (has_alnum(line + s, k) || (k == 1 && line[s] == '/')) &&
			    !memchr(line + s, ' ', k) &&
			    !url_like(line + s, k) && !is_ip(line + s, k) &&
			    (path_like(line + s, k) || next_to_text)) {
				out[n++] = (struct path_cand){s, k, next_to_text ? 2 : 0};
				i = q + (size_t)close_len - 1;
			}
			/* else an apostrophe ("d'accéder à '/x'"): read on from the next byte */
			continue;
		}
		bool boundary = i == 0 || line[i - 1] == ' ' || line[i - 1] == '=' || line[i - 1] == '(';
		bool drive = i + 2 < len && ((line[i] | 32) >= 'a' && (line[i] | 32) <= 'z') &&
			     line[i + 1] == ':' && (line[i + 2] == '/' || line[i + 2] == '\\');
		bool starts = line[i] == '/' || drive ||
			      (line[i] == '~' && i + 1 < len && line[i + 1] == '/') ||
			      (line[i] == '.' && i + 1 < len && (line[i + 1] == '/' ||
			       (line[i + 1] == '.' && i + 2 < len && line[i + 2] == '/')));
		if (!boundary || !starts)
			continue;
		size_t e = i;
		while (e < len && line[e] != ' ' && line[e] != '\'' && line[e] != '"' && line[e] != ',' &&
		       line[e] != ')' && line[e] != '(' && line[e] != '`')
			e++;
		/* fopen(/x), or Ruby's "Directory not empty - /x" and "@ dir_s_rmdir - C:/x" */
		bool call = (i > 0 && line[i - 1] == '(' && e < len && line[e] == ')') ||
			    (i >= end + 3 && i - end <= 32 && strncmp(line + i - 3, " - ", 3) == 0);
		/* "fileutils.rb:264:in" is where the program was, not what it was about */
		const char *colon = memchr(line + i, ':', e - i);
		if (colon && colon + 1 < line + e && is_digit((unsigned char)colon[1]) && !drive) {
			i = e;
			continue;
		}
		size_t k = e;
		while (k > i + 1 && (line[k - 1] == ':' || line[k - 1] == '.' || line[k - 1] == ';'))
			k--;
		if (k - i > 1 && !url_like(line + i, k - i) && !address_like(line + i, k - i))
			out[n++] = (struct path_cand){i, k - i, call ? 1 : 0};
		i = e;
	}
	return n;
}

/* The path the error is about: one quoted just after the text, else one named by a call;
 * else the nearest before the text (Go's "open /x: no such file", the shell's "./x:
 * Permission denied", not PHP's "in /var/www/a.php" after it); else the first after. */
static void read_path(struct ew_context *ctx, const char *line, size_t len, size_t start,
		      size_t end)
{
	struct path_cand c[16];
	size_t n = path_cands(line, len, start, end, c, 16), pick = SIZE_MAX;

	for (int strength = 2; strength > 0; strength--)
		for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
			if (c[i].strength == strength)
				pick = i;
	/* "before" includes a path the span starts inside (MySQL's '/x.sock' (2)) */
	for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
		if (c[i].at < start && (i + 1 == n || c[i + 1].at >= start))
			pick = i;
	for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
		if (c[i].at >= end)
			pick = i;
	if (pick != SIZE_MAX)
		copy(ctx->path, sizeof(ctx->path), line + c[pick].at, c[pick].n);
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
	if (e < len && line[e] == '(' && is_operation(line + s, e - s)) {
		copy(ctx->syscall, sizeof(ctx->syscall), line + s, e - s);
		return;
	}
	/* nginx's "open() \"/x\" failed (2: ...)", "bind() to 0.0.0.0:80 failed" */
	for (const char *p = line; (p = memmem(p, (size_t)(line + start - p), "() ", 3)); p += 3) {
		size_t k = (size_t)(p - line), b = k;
		while (b > 0 && is_alnum((unsigned char)line[b - 1]))
			b--;
		if (is_operation(line + b, k - b)) {
			copy(ctx->syscall, sizeof(ctx->syscall), line + b, k - b);
			return;
		}
	}
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
	if (!ctx->path[0])
		read_path(ctx, line, len, start, end);
	if (!ctx->syscall[0])
		read_syscall(ctx, line, len, start, end);
	if (ctx->pid < 0)
		read_pid(ctx, line, len);
	ew_context_read_file_op(ctx, line, len, start);
}
