/* render.c: a reproduction's report as `errwhy repro` shows it: the steps, the call and the
 * errno, a row of the --all table, the summary line, and JSON (through jansson). The steps
 * and the call are the body's own text, printed escaped all the same (they may hold paths). */
#include <jansson.h>

#include "child.h"
#include "render/json.h"

#define NAME_COLUMN 16
#define RESULT_COLUMN 11

static const char *expected_name(const struct ew_repro_report *r)
{
	return r->entry ? r->entry->name : "?";
}

/* "EADDRINUSE (Address already in use)", "SIGKILL (Killed)", or the number where no entry
 * has it. */
static void put_value(struct ew_buf *b, const struct ew_repro_report *r)
{
	enum ew_family family = r->entry ? r->entry->family : EW_FAMILY_ERRNO;
	char *words;

	if (r->got == 0 && family == EW_FAMILY_ERRNO) {
		ew_buf_puts(b, "0: the call succeeded");
		return;
	}
	if (!(words = ew_repro_value_words(family, r->got))) {
		b->failed = true;
		return;
	}
	ew_buf_puts(b, words);
	free(words);
}

int ew_render_repro_text(struct ew_buf *b, const struct ew_repro_report *r)
{
	if (!b || !r)
		return -EINVAL;
	ew_buf_printf(b, "Reproducing %s", expected_name(r));
	if (r->entry)
		ew_buf_printf(b, " (%d, %s)", r->entry->number, r->entry->message);
	if (r->entry && r->entry->repro_call)
		ew_buf_printf(b, ": %s", r->entry->repro_call);
	ew_buf_putc(b, '\n');
	for (size_t i = 0; i < r->n_steps; i++) {
		ew_buf_puts(b, "  ");
		ew_buf_put_escaped(b, r->steps[i]);
		ew_buf_putc(b, '\n');
	}
	if (r->call) {
		ew_buf_puts(b, "call: ");
		ew_buf_put_escaped(b, r->call);
		ew_buf_putc(b, '\n');
	}
	if (r->got != EW_REPRO_NO_VALUE) {
		ew_buf_puts(b, "got:  ");
		put_value(b, r);
		ew_buf_putc(b, '\n');
	}
	ew_buf_printf(b, "%s", ew_repro_result_key(r->result));
	if (r->result == EW_REPRO_REPRODUCED)
		ew_buf_printf(b, ": %s, as expected\n", expected_name(r));
	else {
		ew_buf_puts(b, ": ");
		ew_buf_put_escaped(b, r->reason ? r->reason : "");
		ew_buf_putc(b, '\n');
	}
	if (r->cleanup_error)
		ew_buf_printf(b, "warning: the private directory %s was not removed whole: %s\n",
			      r->dir ? r->dir : "?", strerror(-r->cleanup_error));
	return b->failed ? -ENOMEM : 0;
}

int ew_render_repro_header(struct ew_buf *b)
{
	if (!b)
		return -EINVAL;
	ew_buf_printf(b, "%-*s %-*s %s\n", NAME_COLUMN, "NAME", RESULT_COLUMN, "RESULT",
		      "CALL OR REASON");
	return b->failed ? -ENOMEM : 0;
}

int ew_render_repro_row(struct ew_buf *b, const struct ew_repro_report *r)
{
	const char *what;

	if (!b || !r)
		return -EINVAL;
	what = r->result == EW_REPRO_REPRODUCED ? r->call : r->reason;
	ew_buf_printf(b, "%-*s %-*s ", NAME_COLUMN, expected_name(r), RESULT_COLUMN,
		      ew_repro_result_key(r->result));
	ew_buf_put_escaped(b, what ? what : "(the call was not named)");
	ew_buf_putc(b, '\n');
	return b->failed ? -ENOMEM : 0;
}

int ew_render_repro_summary(struct ew_buf *b, const struct ew_repro_report *r, size_t n)
{
	size_t count[EW_REPRO_FAILED + 1] = {0}, distinct = 0;

	if (!b || (!r && n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		if ((unsigned)r[i].result > EW_REPRO_FAILED)
			continue;
		count[r[i].result]++;
		if (r[i].result != EW_REPRO_REPRODUCED)
			continue;
		/* An entry run twice (two queries for it) is one name. */
		for (size_t k = 0; k < i && !seen; k++)
			seen = r[k].result == EW_REPRO_REPRODUCED && r[k].entry == r[i].entry;
		distinct += !seen;
	}
	ew_buf_printf(b, "%zu reproduced, %zu mismatch, %zu skipped, %zu failed (%zu distinct names)\n",
		      count[EW_REPRO_REPRODUCED], count[EW_REPRO_MISMATCH],
		      count[EW_REPRO_SKIPPED], count[EW_REPRO_FAILED], distinct);
	return b->failed ? -ENOMEM : 0;
}

/* The body's text through ew_buf_put_escaped(), as on the terminal: json_string() takes only
 * UTF-8, and a path in a reason need not be. */
static json_t *text_or_null(const char *s)
{
	struct ew_buf b;
	json_t *v;

	if (!s)
		return json_null();
	ew_buf_init(&b);
	ew_buf_put_escaped(&b, s);
	v = b.failed ? NULL : json_string(b.data ? b.data : "");
	ew_buf_free(&b);
	return v;
}

static json_t *report_json(const struct ew_repro_report *r)
{
	json_t *o = json_object();
	bool some = r->got != EW_REPRO_NO_VALUE && (r->got != 0 || (r->entry &&
		    r->entry->family != EW_FAMILY_ERRNO));
	const char *got = some ? ew_family_number_name(r->entry ? r->entry->family
								: EW_FAMILY_ERRNO, r->got)
			       : NULL;
	char number[24];

	if (some && !got) {
		snprintf(number, sizeof(number), "%d", r->got);
		got = number;
	}
	return ew_json_ok(o, ew_json_set(o, "name", json_string(expected_name(r))) &&
			      ew_json_set(o, "result", json_string(ew_repro_result_key(r->result))) &&
			      ew_json_set(o, "call", text_or_null(r->call)) &&
			      ew_json_set(o, "got", got ? json_string(got) : json_null()) &&
			      ew_json_set(o, "reason", text_or_null(r->reason)));
}

int ew_render_repro_json(struct ew_buf *b, const struct ew_repro_report *r, size_t n,
			 bool pretty)
{
	json_t *a;
	bool ok;

	if (!b || (!r && n))
		return -EINVAL;
	a = json_array();
	ok = a != NULL;
	for (size_t i = 0; i < n && ok; i++)
		ok = ew_json_append(a, report_json(&r[i]));
	if (!ok) {
		json_decref(a);
		return -ENOMEM;
	}
	return ew_json_dump(b, a, pretty);
}
