/* test_lookup.c: lookup from names, numbers, messages and other systems' numbers, the
 * suggestions for typos, and search, against the real compiled catalog. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "errwhy.h"

static const struct ew_entry *only(const char *query, enum ew_match_kind kind)
{
	struct ew_match m[8];
	size_t n = ew_lookup(query, m, 8, NULL);

	assert_int_equal(n, 1);
	assert_int_equal(m[0].kind, kind);
	return m[0].entry;
}

/* The answers to query in order, as "errno:EBADF signal:SIGKILL". */
static const char *answers(const char *query, int family)
{
	static char out[512];
	struct ew_match m[8];
	size_t n = ew_lookup_in(query, family, m, 8, NULL), len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && len < sizeof(out); i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s:%s", i ? " " : "",
					 ew_family_key(m[i].entry->family), m[i].entry->name);
	return out;
}

/* A number that several families share: each answers, most likely first (errwhy.h). */
static void test_families(void **state)
{
	(void)state;
	assert_string_equal(answers("9", -1), "errno:EBADF signal:SIGKILL");
	assert_string_equal(answers("137", -1), "exit:137");
	assert_string_equal(answers("130", -1), "exit:130 errno:EOWNERDEAD");
	assert_string_equal(answers("2", -1), "errno:ENOENT signal:SIGINT exit:2");
	assert_string_equal(answers("-2", -1), "errno:ENOENT resolver:EAI_NONAME");
	assert_string_equal(answers("-517", -1), "kernel:EPROBE_DEFER");
	assert_string_equal(answers("517", -1), "kernel:EPROBE_DEFER");
	assert_string_equal(answers("9", EW_FAMILY_SIGNAL), "signal:SIGKILL");
	assert_string_equal(answers("137", EW_FAMILY_ERRNO), "");
	assert_string_equal(answers("KILL", -1), "signal:SIGKILL");
	assert_string_equal(answers("sigkill", -1), "signal:SIGKILL");
	assert_string_equal(answers("SIGIO", -1), "signal:SIGPOLL");
	assert_string_equal(answers("203/EXEC", -1), "exit:203");
	assert_string_equal(answers("203/exec", -1), "exit:203");
	assert_string_equal(answers("203/USER", -1), "");
	assert_string_equal(answers("EXIT_EXEC", -1), "exit:203");
	assert_string_equal(answers("EX_USAGE", -1), "exit:64");
	/* 128+N's symbol is its signal's name: SIGKILL is the signal, not also exit 137 */
	assert_string_equal(answers("SIGKILL", -1), "signal:SIGKILL");
	assert_string_equal(answers("ERESTARTSYS", -1), "kernel:ERESTARTSYS");
	assert_string_equal(answers("Name or service not known", -1), "resolver:EAI_NONAME");
	/* a real-time signal between the two ends is the range's entry */
	assert_string_equal(answers("40", EW_FAMILY_SIGNAL), "signal:SIGRTMIN");
	assert_string_equal(answers("65", EW_FAMILY_SIGNAL), "");
}

static void test_every_form_of_eaddrinuse(void **state)
{
	(void)state;
	const char *names[] = {"EADDRINUSE", "eaddrinuse", "-EADDRINUSE", "  EADDRINUSE\n"};
	const char *numbers[] = {"98", "-98", "0x62", "-0x62", "+98"};
	const char *messages[] = {"Address already in use", "address already in use.",
				  "\"Address already in use\""};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		assert_string_equal(only(names[i], EW_MATCH_NAME)->name, "EADDRINUSE");
	for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++)
		assert_string_equal(only(numbers[i], EW_MATCH_NUMBER)->name, "EADDRINUSE");
	for (size_t i = 0; i < sizeof(messages) / sizeof(*messages); i++)
		assert_string_equal(only(messages[i], EW_MATCH_MESSAGE)->name, "EADDRINUSE");
}

static void test_numbers_come_from_errno_h(void **state)
{
	(void)state;
	assert_int_equal(only("EADDRINUSE", EW_MATCH_NAME)->number, EADDRINUSE);
	assert_int_equal(only("ENOENT", EW_MATCH_NAME)->number, ENOENT);
	assert_string_equal(only("ENOENT", EW_MATCH_NAME)->message, "No such file or directory");
}

static void test_aliases(void **state)
{
	struct ew_match m[4];
	(void)state;

	assert_int_equal(ew_lookup("EWOULDBLOCK", m, 4, NULL), 1);
	assert_int_equal(m[0].kind, EW_MATCH_ALIAS);
	assert_string_equal(m[0].entry->name, "EAGAIN");
	assert_string_equal(m[0].as_name, "EWOULDBLOCK");
	assert_string_equal(only("ENOTSUP", EW_MATCH_ALIAS)->name, "EOPNOTSUPP");
	assert_string_equal(only("EDEADLOCK", EW_MATCH_ALIAS)->name, "EDEADLK");
}

static void test_nothing_matches(void **state)
{
	struct ew_match m[4];
	(void)state;

	assert_int_equal(ew_lookup("EADRINUSE", m, 4, NULL), 0);
	assert_int_equal(ew_lookup("", m, 4, NULL), 0);
	assert_int_equal(ew_lookup("   ", m, 4, NULL), 0);
	assert_int_equal(ew_lookup("0", m, 4, NULL), 0);
	assert_int_equal(ew_lookup("4000", m, 4, NULL), 0);
	assert_int_equal(ew_lookup("99999999999999999999999", m, 4, NULL), 0);
	assert_int_equal(ew_lookup("0x", m, 4, NULL), 0);
	assert_int_equal(ew_lookup("\xff\xfe\x01", m, 4, NULL), 0);
}

static void test_foreign_numbers(void **state)
{
	struct ew_match m[8];
	(void)state;

	/* A macOS user's [Errno 48]. */
	assert_int_equal(ew_lookup_foreign(ew_os_parse("darwin"), 48, m, 8, NULL), 1);
	assert_string_equal(m[0].entry->name, "EADDRINUSE");
	assert_int_equal(m[0].system, EW_SYS_DARWIN);
	/* Windows is two tables: Winsock and the C runtime. */
	assert_int_equal(ew_lookup_foreign(ew_os_parse("windows"), 10048, m, 8, NULL), 1);
	assert_string_equal(m[0].entry->name, "EADDRINUSE");
	assert_int_equal(ew_lookup_foreign(ew_os_parse("windows"), 100, m, 8, NULL), 1);
	assert_string_equal(m[0].entry->name, "EADDRINUSE");
	assert_int_equal(m[0].system, EW_SYS_WINDOWS_CRT);
	/* On macOS, EOPNOTSUPP and ENOTSUP differ: 45 is ENOTSUP. */
	assert_int_equal(ew_lookup_foreign(ew_os_parse("darwin"), 45, m, 8, NULL), 1);
	assert_string_equal(m[0].entry->name, "EOPNOTSUPP");
	assert_string_equal(m[0].as_name, "ENOTSUP");
	assert_int_equal(ew_lookup_foreign(ew_os_parse("linux-mips"), 125, m, 8, NULL), 1);
	assert_string_equal(m[0].entry->name, "EADDRINUSE");
	assert_int_equal(ew_os_parse("plan9"), 0);
}

static void test_suggestions(void **state)
{
	const struct ew_entry *near[3];
	(void)state;

	assert_true(ew_suggest("EADRINUSE", near, 3, NULL) >= 1);
	assert_string_equal(near[0]->name, "EADDRINUSE");
	assert_true(ew_suggest("ENOEMT", near, 3, NULL) >= 1);
	assert_string_equal(near[0]->name, "ENOENT");
	assert_int_equal(ew_suggest("hello world", near, 3, NULL), 0);
	assert_int_equal(ew_suggest("EADDRINUSE", near, 3, NULL), 0); /* exact is no suggestion */
}

static void test_search(void **state)
{
	const struct ew_entry *found[16];
	const char *words[] = {"address", "use"};
	const char *none[] = {"zzzqqq"};
	(void)state;

	assert_true(ew_search(words, 2, found, 16, NULL) >= 1);
	assert_string_equal(found[0]->name, "EADDRINUSE");
	assert_int_equal(ew_search(none, 1, found, 16, NULL), 0);
}

/* Each lookup writes at most max and reports the total: a caller may loop to the return value. */
static void test_results_written_never_exceed_max(void **state)
{
	const struct ew_entry *found[2] = {NULL, NULL}, *canary = (const struct ew_entry *)1;
	const struct ew_entry *buf[3];
	const char *words[] = {"e"};
	struct ew_match m[2];
	size_t total = 0;
	(void)state;

	buf[2] = canary;
	assert_int_equal(ew_search(words, 1, buf, 2, &total), 2);
	assert_true(total > 100);
	assert_ptr_equal(buf[2], canary);
	assert_int_equal(ew_search(words, 1, NULL, 0, &total), 0);
	assert_true(total > 100);
	/* 35 is ENOMSG on MIPS and PA-RISC, EAGAIN (EWOULDBLOCK) on macOS and the BSDs. */
	assert_int_equal(ew_lookup_foreign(ew_os_parse("all"), 35, m, 1, &total), 1);
	assert_int_equal(total, 2);
	assert_int_equal(ew_lookup_foreign(ew_os_parse("all"), 35, NULL, 0, &total), 0);
	assert_int_equal(total, 2);
	assert_int_equal(ew_lookup_foreign(ew_os_parse("all"), 35, m, 2, &total), 2);
	assert_int_equal(total, 2);
	assert_int_equal(ew_lookup("EADDRINUSE", NULL, 4, &total), 0);
	assert_int_equal(total, 1);
	assert_int_equal(ew_lookup("EADDRINUSE", m, 0, &total), 0);
	assert_int_equal(total, 1);
	assert_int_equal(ew_suggest("EADRINUSE", found, 1, &total), 1);
	assert_true(total >= 1);
	assert_int_equal(ew_suggest("EADRINUSE", NULL, 1, &total), 0);
	assert_true(total >= 1);
}

/* A NULL where a string belongs is no match, not a crash. */
static void test_null_input_matches_nothing(void **state)
{
	const struct ew_entry *found[4];
	const char *null_word[] = {NULL};
	const char *mixed[] = {"address", NULL};
	struct ew_match m[4];
	size_t total = 99;
	(void)state;

	assert_int_equal(ew_lookup(NULL, m, 4, &total), 0);
	assert_int_equal(total, 0);
	assert_int_equal(ew_os_parse(NULL), 0);
	total = 99;
	assert_int_equal(ew_suggest(NULL, found, 4, &total), 0);
	assert_int_equal(total, 0);
	total = 99;
	assert_int_equal(ew_search(null_word, 1, found, 4, &total), 0);
	assert_int_equal(total, 0);
	assert_int_equal(ew_search(mixed, 2, found, 4, NULL), 0);
	assert_int_equal(ew_search(NULL, 2, found, 4, NULL), 0);
	assert_int_equal(ew_number_parse(NULL, NULL), -EINVAL);
}

/* Decimal, or hex after 0x, as errwhy(1) says; a leading zero is not octal. */
static void test_numbers_are_decimal_or_hex(void **state)
{
	size_t total = 99;
	long v = -1;
	(void)state;

	/* 77, not 63 (and EX_NOPERM, the exit status 77, after it) */
	assert_string_equal(answers("077", -1), "errno:EBADFD exit:77");
	assert_string_equal(answers("09", -1), "errno:EBADF signal:SIGKILL");
	assert_string_equal(only("0X62", EW_MATCH_NUMBER)->name, "EADDRINUSE");
	assert_int_equal(ew_number_parse("077", &v), 0);
	assert_int_equal(v, 77);
	assert_int_equal(ew_number_parse("-0x62", &v), 0);
	assert_int_equal(v, 98);
	assert_int_equal(ew_number_parse("9223372036854775807", &v), 0);
	assert_true(v == LONG_MAX);
	assert_int_equal(ew_number_parse("-9223372036854775807", &v), 0);
	assert_true(v == LONG_MAX);
	/* Overflow is not a number, and nothing is negated that cannot be. */
	assert_int_equal(ew_number_parse("-9223372036854775808", &v), -ERANGE);
	assert_int_equal(ew_number_parse("99999999999999999999", &v), -ERANGE);
	assert_int_equal(ew_number_parse("0x10000000000000000", &v), -ERANGE);
	assert_int_equal(ew_number_parse("0x", &v), -EINVAL);
	assert_int_equal(ew_number_parse("-", &v), -EINVAL);
	assert_int_equal(ew_number_parse("98 ", &v), -EINVAL);
	assert_int_equal(ew_number_parse("0x6g", &v), -EINVAL);
	ew_lookup("-9223372036854775808", NULL, 0, &total);
	assert_int_equal(total, 0);
	ew_lookup_foreign(ew_os_parse("all"), LONG_MIN, NULL, 0, &total);
	assert_int_equal(total, 0);
	ew_lookup_foreign(ew_os_parse("all"), LONG_MAX, NULL, 0, &total);
	assert_int_equal(total, 0);
	ew_lookup_foreign(ew_os_parse("darwin"), -48, NULL, 0, &total);
	assert_int_equal(total, 1);
}

static void test_catalog_is_whole(void **state)
{
	size_t names = 0, complete = 0, errnos = 0;
	(void)state;

	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		if (e->family == EW_FAMILY_ERRNO) {
			names += e->n_numbers;
			errnos++;
		}
		complete += e->complete;
		assert_non_null(e->meaning);
		assert_true(e->n_sources > 0);
		/* high is earned by a reproduction; low is "never returned", which says what
		 * seeing it means instead */
		assert_int_equal(e->confidence == EW_CONFIDENCE_HIGH, e->repro_call != NULL);
		assert_int_equal(e->confidence == EW_CONFIDENCE_HIGH, e->unreproduced == NULL &&
				 e->returned && e->complete);
		if (!e->returned)
			assert_true(e->confidence == EW_CONFIDENCE_LOW && e->seen);
	}
	/* glibc 2.36 on x86_64: 131 errno values, with 3 aliases */
	assert_int_equal(errnos, 131);
	assert_int_equal(names, 134);
	assert_int_equal(complete, ew_entry_count()); /* no entry is incomplete */
	assert_null(ew_entry_at(ew_entry_count()));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_form_of_eaddrinuse),
		cmocka_unit_test(test_numbers_come_from_errno_h),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_nothing_matches),
		cmocka_unit_test(test_foreign_numbers),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_results_written_never_exceed_max),
		cmocka_unit_test(test_null_input_matches_nothing),
		cmocka_unit_test(test_numbers_are_decimal_or_hex),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_catalog_is_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
