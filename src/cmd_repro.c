/* cmd_repro.c: `errwhy repro NAME...` and `errwhy repro --all [--json]`: runs entries'
 * built-in reproductions (lib/repro/) and says what each did, the errno it got and whether
 * that is the entry's. The evidence behind an entry's "high" confidence. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"usage: errwhy repro [--json] NAME...\n"
	"       errwhy repro --all [--json]\n"
	"\n"
	"Runs an entry's built-in reproduction: real system calls in a forked child, in a\n"
	"private directory that is removed afterwards, killed after 5 s. Prints what it\n"
	"did, the call, the errno it got, and whether that is the entry's. NAME is read as\n"
	"errwhy reads a query: a name, an alias or a number (EADDRINUSE, EWOULDBLOCK, 98).\n"
	"\n"
	"  --all       run every reproduction: a table of name, result, and the call (or\n"
	"              why not), then a summary line\n"
	"  --json      a JSON array: [{\"name\", \"result\", \"call\", \"got\", \"reason\"}]\n"
	"  -h, --help  this text\n"
	"\n"
	"results: reproduced (the call failed with exactly the entry's errno), mismatch\n"
	"(another errno, or it succeeded), skipped (this machine cannot run it: no\n"
	"namespaces, no privilege), failed (a set-up step failed, a crash, the time limit)\n"
	"\n"
	"exit status: 0 nothing mismatched or failed (skipped is no failure), 1 a case\n"
	"mismatched or failed, or a NAME matched nothing or has no reproduction, 2 the\n"
	"command line is wrong, 3 the system refused something errwhy needed\n";

#define MATCHES_MAX 8

struct repro {
	bool all, json;
	struct ew_repro_report *reports;
	size_t n, cap;
	int status;
	struct ew_buf out;
};

static struct ew_repro_report *new_report(struct repro *rp)
{
	if (rp->n == rp->cap) {
		size_t cap = rp->cap ? 2 * rp->cap : 64;
		struct ew_repro_report *r = realloc(rp->reports, cap * sizeof(*r));
		if (!r)
			return NULL;
		rp->reports = r;
		rp->cap = cap;
	}
	return &rp->reports[rp->n];
}

/* Text output is written as each case ends, so a slow run shows its progress. */
static int flush_out(struct repro *rp)
{
	int r;

	if (rp->out.failed)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	r = ew_cli_write(&rp->out);
	rp->out.len = 0;
	if (rp->out.data)
		rp->out.data[0] = '\0';
	return r;
}

/* Runs one entry's reproduction and shows it (text) or keeps it (JSON). 0 or an exit code
 * for a failure of errwhy's own. */
static int run_one(struct repro *rp, const struct ew_entry *e)
{
	struct ew_repro_report *r = new_report(rp);
	int rc;

	if (!r)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	rc = ew_repro_run(e, r);
	if (rc < 0)
		return ew_cli_fail(EW_EXIT_SYSTEM, "cannot run the reproduction of %s: %s", e->name,
				   strerror(-rc));
	rp->n++;
	if (r->result == EW_REPRO_MISMATCH || r->result == EW_REPRO_FAILED)
		rp->status = EW_EXIT_NO;
	if (r->cleanup_error)
		fprintf(stderr, "errwhy: the private directory %s was not removed whole: %s\n",
			r->dir, strerror(-r->cleanup_error));
	if (rp->json)
		return EW_EXIT_OK;
	if (rp->all) {
		ew_render_repro_row(&rp->out, r);
	} else {
		if (rp->n > 1)
			ew_buf_putc(&rp->out, '\n'); /* a blank line between two runs */
		ew_render_repro_text(&rp->out, r);
	}
	return flush_out(rp);
}

static void no_match(const char *q)
{
	fprintf(stderr, "errwhy repro: no error matches '%s'", ew_cli_quote(q));
	ew_cli_did_you_mean(stderr, q);
	fputs("\nTry 'errwhy --list'.\n", stderr);
}

/* Every entry a query names (a number may name one entry, a message several), each once. */
static int run_query(struct repro *rp, const char *q)
{
	struct ew_match m[MATCHES_MAX];
	size_t n = ew_lookup(q, m, MATCHES_MAX, NULL);

	if (n == 0) {
		no_match(q);
		rp->status = EW_EXIT_NO;
		return EW_EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ew_entry *e = m[i].entry;
		bool seen = false;
		int rc;
		for (size_t k = 0; k < i && !seen; k++)
			seen = m[k].entry == e;
		if (seen)
			continue;
		if (!ew_repro_available(e)) {
			const char *why = e->unreproduced;
			fprintf(stderr, "errwhy repro: %s has no built-in reproduction%s%s\n", e->name,
				why ? ": " : " (its entry gives no reason)", why ? why : "");
			rp->status = EW_EXIT_NO;
			continue;
		}
		if ((rc = run_one(rp, e)) != EW_EXIT_OK)
			return rc;
	}
	return EW_EXIT_OK;
}

static int run_all(struct repro *rp)
{
	int rc;

	if (!rp->json) {
		ew_render_repro_header(&rp->out);
		if ((rc = flush_out(rp)) != EW_EXIT_OK)
			return rc;
	}
	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		if (ew_repro_available(e) && (rc = run_one(rp, e)) != EW_EXIT_OK)
			return rc;
	}
	if (!rp->json) {
		ew_render_repro_summary(&rp->out, rp->reports, rp->n);
		return flush_out(rp);
	}
	return EW_EXIT_OK;
}

/* "-98" and "-EADDRINUSE" are names in the kernel's style, not options. */
static bool looks_like_query(const char *a)
{
	return a[0] == '-' && (isdigit((unsigned char)a[1]) || ((a[1] == 'E' || a[1] == 'e') &&
							       strlen(a) > 3));
}

static int run_queries(struct repro *rp, char **queries, int n)
{
	for (int i = 0; i < n; i++) {
		int rc = run_query(rp, queries[i]);
		if (rc != EW_EXIT_OK)
			return rc;
	}
	return EW_EXIT_OK;
}

int ew_cmd_repro(int argc, char **argv)
{
	struct repro rp = {.status = EW_EXIT_OK};
	char **queries = calloc((size_t)argc + 1, sizeof(*queries));
	int n = 0, rc;
	bool end_of_options = false;

	if (!queries)
		return ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (end_of_options || a[0] != '-' || looks_like_query(a))
			queries[n++] = argv[i];
		else if (strcmp(a, "--") == 0)
			end_of_options = true;
		else if (strcmp(a, "--all") == 0)
			rp.all = true;
		else if (strcmp(a, "--json") == 0)
			rp.json = true;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			free(queries);
			fputs(usage_text, stdout);
			return EW_EXIT_OK;
		} else {
			free(queries);
			return ew_cli_usage_error("errwhy repro", "unknown option '%s'",
						  ew_cli_quote(a));
		}
	}
	if (rp.all == (n > 0)) {
		free(queries);
		return ew_cli_usage_error("errwhy repro", rp.all ? "--all takes no NAME"
							  : "which reproduction? a NAME, or --all");
	}
	ew_buf_init(&rp.out);
	rc = rp.all ? run_all(&rp) : run_queries(&rp, queries, n);
	if (rc == EW_EXIT_OK && rp.json) {
		if (ew_render_repro_json(&rp.out, rp.reports, rp.n, false) < 0)
			rc = ew_cli_fail(EW_EXIT_SYSTEM, "out of memory");
		else
			rc = flush_out(&rp);
	}
	for (size_t i = 0; i < rp.n; i++)
		ew_repro_report_free(&rp.reports[i]);
	free(rp.reports);
	ew_buf_free(&rp.out);
	free(queries);
	return rc != EW_EXIT_OK ? rc : rp.status;
}
