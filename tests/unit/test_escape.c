/* test_escape.c: lib/render/escape.c, the one escaping of outside data: every control,
 * C1 control, malformed UTF-8 form and bidi control becomes a visible escape; printable
 * UTF-8 stays as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "errwhy.h"
#include "render/render.h"

static void expect(const char *in, size_t n, const char *out)
{
	struct ew_buf b;

	ew_buf_init(&b);
	assert_int_equal(ew_buf_append_escaped(&b, in, n, SIZE_MAX), n);
	assert_string_equal(b.data ? b.data : "", out);
	ew_buf_free(&b);
}

#define EXPECT(in, out) expect(in, sizeof(in) - 1, out)

static void test_controls(void **state)
{
	(void)state;
	EXPECT("plain text", "plain text");
	EXPECT("x\033[31mred", "x\\x1b[31mred");
	EXPECT("a\nb\tc\rd", "a\\nb\\tc\\rd");
	EXPECT("nul\0byte", "nul\\x00byte");
	EXPECT("del\x7f", "del\\x7f");
	/* C1: raw (CSI 0x9b alone) and UTF-8 encoded (U+009B). */
	EXPECT("\x9b" "31m", "\\x9b31m");
	EXPECT("\xc2\x9b" "31m", "\\u009b31m");
	EXPECT("\xc2\x85", "\\u0085");
}

static void test_malformed_utf8(void **state)
{
	(void)state;
	EXPECT("\xc0\xaf", "\\xc0\\xaf");                 /* overlong '/' */
	EXPECT("\xe0\x80\xaf", "\\xe0\\x80\\xaf");         /* overlong, 3 bytes */
	EXPECT("\xed\xa0\x80", "\\xed\\xa0\\x80");         /* a surrogate */
	EXPECT("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
	EXPECT("\xf5\x80", "\\xf5\\x80");
	EXPECT("cut \xe2\x82", "cut \\xe2\\x82");          /* a sequence cut short */
	EXPECT("\xff", "\\xff");
}

static void test_bidi_and_separators(void **state)
{
	(void)state;
	EXPECT("evil\xe2\x80\xae" "fdp.exe", "evil\\u202efdp.exe"); /* RIGHT-TO-LEFT OVERRIDE */
	EXPECT("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069");      /* isolates */
	EXPECT("\xe2\x80\x8f", "\\u200f");
	EXPECT("\xd8\x9c", "\\u061c");
	EXPECT("\xe2\x80\xa8", "\\u2028");
}

static void test_printable_utf8_kept(void **state)
{
	(void)state;
	EXPECT("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	EXPECT("\xc2\xa0", "\xc2\xa0"); /* U+00A0 is the first after C1 */
}

static void test_limit_and_null(void **state)
{
	struct ew_buf b;

	(void)state;
	ew_buf_init(&b);
	/* Three characters, one an escape: the count is in characters, the return in bytes. */
	assert_int_equal(ew_buf_append_escaped(&b, "\033ab" "cd", 5, 3), 3);
	assert_string_equal(b.data, "\\x1bab");
	assert_int_equal(ew_buf_append_escaped(&b, NULL, 4, SIZE_MAX), 0);
	assert_int_equal(ew_buf_append_escaped(NULL, "x", 1, SIZE_MAX), 0);
	ew_buf_put_escaped(&b, NULL);
	assert_string_equal(b.data, "\\x1bab");
	ew_buf_free(&b);
}

/* Every byte string of length 1 and 2 comes out as printable, well-formed UTF-8 with no
 * control, C1 or bidi code point: the property the renderers rely on. */
static void test_output_always_safe(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned c = 0; c < 256; c++) {
			char in[2] = {(char)a, (char)c};
			struct ew_buf b;
			uint32_t cp;

			ew_buf_init(&b);
			ew_buf_append_escaped(&b, in, 2, SIZE_MAX);
			assert_true(ew_utf8_valid(b.data, b.len));
			for (size_t i = 0, k; i < b.len; i += k) {
				k = ew_utf8_char(b.data + i, b.len - i, &cp);
				assert_false(ew_codepoint_unsafe(cp));
			}
			ew_buf_free(&b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_malformed_utf8),
		cmocka_unit_test(test_bidi_and_separators),
		cmocka_unit_test(test_printable_utf8_kept),
		cmocka_unit_test(test_limit_and_null),
		cmocka_unit_test(test_output_always_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
