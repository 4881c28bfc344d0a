/* test_identify.c: lib/identify/, the recogniser: the forms of the issue's examples, numbers
 * read only in an error context and on the system the text confirms, look-alikes dropped,
 * context, texts across a line break and a block boundary, any bytes, streaming in any chunks,
 * and every Messages example of the catalog recognised as its own entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"
#include "errwhy.h"

static struct ew_hit hits[64];

static size_t identify(const char *text)
{
	int err = 1;
	size_t n = ew_identify(text, strlen(text), hits, 64, NULL, &err);
	assert_int_equal(err, 0);
	return n;
}

/* text is recognised as name first. */
static void expect(const char *text, const char *name)
{
	size_t n = identify(text);
	if (n == 0)
		fail_msg("'%s': nothing recognised, expected %s", text, name);
	if (strcmp(hits[0].name, name) != 0)
		fail_msg("'%s': recognised %s, expected %s", text, hits[0].name, name);
}

static void expect_none(const char *text)
{
	size_t n = identify(text);
	if (n)
		fail_msg("'%s': recognised %s, expected nothing", text, hits[0].name);
}

static void test_issue_examples(void **state)
{
	(void)state;
	expect("Error: listen EADDRINUSE: address already in use :::3000", "EADDRINUSE");
	assert_int_equal(hits[0].context.port, 3000);
	assert_string_equal(hits[0].context.address, "::");
	assert_string_equal(hits[0].context.syscall, "listen");
	expect("[Errno 13] Permission denied: '/etc/shadow'", "EACCES");
	assert_string_equal(hits[0].context.path, "/etc/shadow");
	assert_int_equal(hits[0].number, 13);
	expect("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");
	assert_int_equal(hits[0].context.port, 5432);
	assert_string_equal(hits[0].context.address, "127.0.0.1");
	expect("open: No such file or directory", "ENOENT");
	assert_string_equal(hits[0].context.syscall, "open");
}

/* What was done to the path, for `errwhy path --for` (lib/identify/context_file.c). */
static void test_file_operations(void **state)
{
	(void)state;
	expect("cp: cannot create regular file '/mnt/data/x': Read-only file system", "EROFS");
	assert_string_equal(hits[0].context.path, "/mnt/data/x");
	/* cp opens O_WRONLY|O_CREAT|O_TRUNC: a write that may create */
	assert_string_equal(hits[0].context.file_op, "write");
	expect("mkdir: cannot create directory '/srv/x': File exists", "EEXIST");
	assert_string_equal(hits[0].context.file_op, "create");
	expect("rm: cannot remove '/mnt/data': Device or resource busy", "EBUSY");
	assert_string_equal(hits[0].context.file_op, "delete");
	expect("bash: ./deploy.sh: Permission denied", "EACCES");
	assert_string_equal(hits[0].context.path, "./deploy.sh");
	assert_string_equal(hits[0].context.file_op, "exec");
	expect("mv: cannot move 'a.txt' to '/home/u/a.txt': Invalid cross-device link", "EXDEV");
	assert_string_equal(hits[0].context.file_op, "rename");
	assert_string_equal(hits[0].context.path, "a.txt");
	assert_string_equal(hits[0].context.rename_to, "/home/u/a.txt");
	expect("Error: EXDEV: cross-device link not permitted, rename '/tmp/a' -> '/home/u/a'",
	       "EXDEV");
	assert_string_equal(hits[0].context.path, "/tmp/a");
	assert_string_equal(hits[0].context.rename_to, "/home/u/a");
	expect("OSError: [Errno 18] Invalid cross-device link: '/tmp/b' -> '/srv/b'", "EXDEV");
	assert_string_equal(hits[0].context.file_op, "rename");
	assert_string_equal(hits[0].context.rename_to, "/srv/b");
	expect("rename /tmp/c /data/c: invalid cross-device link", "EXDEV");
	assert_string_equal(hits[0].context.path, "/tmp/c");
	assert_string_equal(hits[0].context.rename_to, "/data/c");
	expect("2026/12/01 10:00:00 [emerg] 12#12: open() \"/etc/nginx/sites-enabled/defualt\" "
	       "failed (2: No such file or directory)", "ENOENT");
	assert_string_equal(hits[0].context.syscall, "open");
	assert_string_equal(hits[0].context.file_op, "read");
	expect("Error: ENOENT: no such file or directory, unlink '/x/y'", "ENOENT");
	assert_string_equal(hits[0].context.file_op, "delete");
	/* A symlink's "'A' -> 'B'" is no rename. */
	expect("FileExistsError: [Errno 17] File exists: '/a' -> '/b'", "EEXIST");
	assert_string_equal(hits[0].context.file_op, "");
	assert_string_equal(hits[0].context.rename_to, "");
}

static void test_names_in_any_case(void **state)
{
	(void)state;
	expect("{error,eaddrinuse}", "EADDRINUSE");
	expect("Errno::ECONNRESET: Connection reset by peer", "ECONNRESET");
	expect("write failed: -EPIPE", "EPIPE");
	expect("EWOULDBLOCK", "EAGAIN");
	/* A word that contains a name, or a name in mixed case, is prose. */
	expect_none("Freedom of the press");
	expect_none("Edom and Moab");
}

static void test_numbers_need_context(void **state)
{
	(void)state;
	expect("OSError: [Errno 98] Address already in use", "EADDRINUSE");
	assert_int_equal(hits[0].system, -1);
	/* 48 is EADDRINUSE on macOS; the text decides. */
	expect("OSError: [Errno 48] Address already in use", "EADDRINUSE");
	assert_int_equal(hits[0].system, EW_SYS_DARWIN);
	expect_none("Listening on port 98");
	expect_none("processed 13 requests in 2 ms");
	expect_none("errno=0 ok");
}

static void test_texts(void **state)
{
	(void)state;
	expect("listen tcp :8080: bind: address already in use", "EADDRINUSE");
	assert_int_equal(hits[0].context.port, 8080);
	expect("cp: cannot stat 'a.txt': No such file or\ndirectory", "ENOENT");
	assert_int_equal(hits[0].start, strlen("cp: cannot stat 'a.txt': "));
	/* A span's start is its offset in the whole message, on any line. */
	expect("starting\nworker 2: Too many open files", "EMFILE");
	assert_int_equal(hits[0].start, strlen("starting\nworker 2: "));
	assert_int_equal(hits[0].line, 2);
	expect("Die Adresse wird bereits verwendet", "EADDRINUSE");
	assert_non_null(hits[0].lang);
	/* The longer text wins over the one inside it. */
	expect("read: Interrupted system call should be restarted", "ERESTART");
	assert_int_equal(identify("Interrupted system call should be restarted"), 1);
	expect_none("all systems nominal, 3 workers started");
}

/* Two errors on one line are two hits, in the order of the line. */
static void test_two_errors(void **state)
{
	(void)state;
	assert_int_equal(identify("ENOENT while handling EACCES"), 2);
	assert_string_equal(hits[0].name, "ENOENT");
	assert_string_equal(hits[1].name, "EACCES");
}

struct seen {
	size_t n;
	uint64_t lines[16];
	const char *names[16];
};

static int collect(const struct ew_hit *h, const char *line, size_t len, void *ctx)
{
	struct seen *s = ctx;
	assert_true(h->start + h->len <= len || h->start <= len);
	(void)line;
	if (s->n < 16) {
		s->lines[s->n] = h->line;
		s->names[s->n] = h->name;
	}
	s->n++;
	return 0;
}

/* Streams text through a scanner in chunks of the given size. */
static struct seen stream(const char *text, size_t len, size_t chunk)
{
	struct ew_scanner *s;
	struct seen seen = {0};

	assert_int_equal(ew_scanner_new(&s, collect, &seen), 0);
	for (size_t at = 0; at < len; at += chunk)
		assert_int_equal(ew_scanner_feed(s, text + at, len - at < chunk ? len - at : chunk), 0);
	assert_int_equal(ew_scanner_end(s), 0);
	ew_scanner_free(s);
	return seen;
}

/* Any bytes, any chunks, long lines and block boundaries: the same hits on the same lines. */
static void test_streaming(void **state)
{
	(void)state;
	size_t len = 3 * 1024 * 1024;
	char *text = malloc(len);
	assert_non_null(text);
	for (size_t i = 0; i < len; i++)
		text[i] = (char)("ab \0\xff\n"[i % 6 == 5 && i % 7 ? 0 : i % 6]);
	memset(text + 1000000, 'x', 1200000); /* a line longer than a block */
	const char *err = " Connection refused "; /* words stand apart, also in a long line */
	memcpy(text + 100, "\nConnection refused\n", 20);
	memcpy(text + 1500000, err, strlen(err)); /* inside the long line */
	memcpy(text + len - 30, "\nToo many open files", 20);

	struct seen whole = stream(text, len, len);
	assert_int_equal(whole.n, 3);
	assert_string_equal(whole.names[0], "ECONNREFUSED");
	assert_string_equal(whole.names[1], "ECONNREFUSED");
	assert_string_equal(whole.names[2], "EMFILE");
	size_t chunks[] = {1, 7, 4096, 65537, 300000};
	for (size_t c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
		if (chunks[c] == 1) { /* byte by byte: the first 64 KiB is enough */
			struct seen one = stream(text, 65536, 1);
			assert_int_equal(one.n, 1);
			assert_int_equal(one.lines[0], whole.lines[0]);
			continue;
		}
		struct seen part = stream(text, len, chunks[c]);
		assert_int_equal(part.n, whole.n);
		for (size_t i = 0; i < whole.n; i++)
			assert_int_equal(part.lines[i], whole.lines[i]);
	}
	free(text);
}

/* A text broken by a line break exactly where a block ends is still found. */
static void test_break_at_block_end(void **state)
{
	(void)state;
	size_t block = 256 * 1024 + 4096, len = block * 2;
	char *text = malloc(len);
	assert_non_null(text);
	memset(text, 'a', len);
	for (size_t i = 80; i < len; i += 81)
		text[i] = '\n';
	for (size_t at = block - 200; at < block + 200; at += 37) {
		char *copy = malloc(len);
		memcpy(copy, text, len);
		memcpy(copy + at - 10, " No such file or\ndirectory ", 27);
		struct seen s = stream(copy, len, 65536);
		assert_int_equal(s.n, 1);
		assert_string_equal(s.names[0], "ENOENT");
		free(copy);
	}
	free(text);
}

/* Every example line in the catalog shows its pattern: pattern: examples are recognised as
 * their entry, not: examples never are. */
static void test_catalog_examples(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < ew_catalog_n_messages; i++) {
		const struct ew_message *m = &ew_catalog_messages[i];
		const char *want = ew_catalog_str(m->entry), *family = ew_catalog_str(m->family);
		const char *text = ew_catalog_str(m->text), *example = ew_catalog_str(m->example);
		size_t n = identify(example);
		bool found = false, of_family = !family;
		for (size_t k = 0; k < n && want; k++)
			found |= strcmp(hits[k].name, want) == 0;
		for (size_t k = 0; k < n && family; k++)
			of_family |= strcmp(hits[k].family, family) == 0;
		if (m->kind == EW_MSG_PATTERN) {
			if (!found) {
				print_error("%s: example not recognised as %s: %s\n",
					    text, want, example);
				failures++;
			}
		} else if (m->kind == EW_MSG_NOT && found) {
			print_error("not: '%s': example recognised as %s\n", text, want);
			failures++;
		} else if (m->kind == EW_MSG_FORM && (n == 0 || !of_family)) {
			print_error("form '%s': example recognises no %s: %s\n", text,
				    family ? family : "error", example);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_examples),
		cmocka_unit_test(test_file_operations),
		cmocka_unit_test(test_names_in_any_case),
		cmocka_unit_test(test_numbers_need_context),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_two_errors),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_break_at_block_end),
		cmocka_unit_test(test_catalog_examples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
