/* decide.c: turns the verified candidates of one line into hits. Look-alikes (not:) and texts
 * inside longer texts are dropped; a number read through a form becomes the entry that the
 * line's text confirms, on the system where the number means it (a form of another family,
 * "exited with code {n}", reads its family's number); evidence for the same error is merged
 * into one hit, labelled with the ecosystem its form or marker names. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "identify.h"

#define CLAIMS_MAX 64

/* One piece of evidence for one error. */
struct claim {
	int entry;              /* index for ew_entry_at() */
	const char *how, *lang, *ecosystem;
	int eco_rank;           /* 2: a form said it, 1: a pattern, 0: none */
	int system;             /* -1: Linux */
	long number;
	size_t start, end;      /* the span: all the evidence that stands close */
	size_t own_start;       /* where the first evidence starts: context is read around it */
};

static const struct ew_message *message_of(const struct ew_cand *c)
{
	int m = ew_patterns[c->pattern].message;
	return m >= 0 ? &ew_catalog_messages[m] : NULL;
}

static int kind_of(const struct ew_cand *c)
{
	return ew_patterns[c->pattern].kind;
}

static bool is_text(int kind)
{
	return kind == EW_PAT_TEXT || kind == EW_PAT_TRANSLATION || kind == EW_PAT_PATTERN ||
	       kind == EW_PAT_LINE;
}

/* Marks as dead what a look-alike covers, and a text inside a longer text ("Interrupted system call" in "... should be restarted"). */
static void drop_covered(struct ew_cand *c, size_t n, bool *dead)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < n && !dead[i]; k++) {
			if (k == i || c[k].start > c[i].start || c[k].end < c[i].end)
				continue;
			bool longer = c[k].end - c[k].start > c[i].end - c[i].start;
			if (kind_of(&c[k]) == EW_PAT_NOT && kind_of(&c[i]) != EW_PAT_NOT)
				dead[i] = true;
			else if (longer && is_text(kind_of(&c[k])) && is_text(kind_of(&c[i])))
				dead[i] = true;
		}
}

/* A {name} read from a line, as the lookup reads a name (any case, aliases too; a signal's
 * without SIG, an exit status's "203/EXEC"), in the family (-1: any). */
static int entry_by_name(const char *name, int family)
{
	struct ew_match m;
	if (ew_lookup_in(name, family, &m, 1, NULL) != 1 ||
	    (m.kind != EW_MATCH_NAME && m.kind != EW_MATCH_ALIAS))
		return -1;
	return (int)ew_entry_index(m.entry);
}

/* The family's entry (a signal, an exit status) with this number on Linux, or -1. */
static int family_entry_by_number(int family, long number)
{
	char q[24];
	struct ew_match m;

	snprintf(q, sizeof(q), "%s%ld", family == EW_FAMILY_RESOLVER ? "-" : "", number);
	return ew_lookup_in(q, family, &m, 1, NULL) == 1 ? (int)ew_entry_index(m.entry) : -1;
}

/* The errno whose number on system (-1: Linux) is number, or -1. On Linux, a number no errno
 * has may be a kernel-internal code that leaked ("error -517"). */
static int entry_by_number(int system, long number)
{
	for (size_t i = ew_catalog_family_start[EW_FAMILY_ERRNO];
	     i < ew_catalog_family_start[EW_FAMILY_ERRNO + 1]; i++) {
		const struct ew_entry_rec *e = &ew_catalog_recs[i];
		if (system < 0 && e->number == number)
			return (int)i;
		for (size_t k = 0; system >= 0 && k < e->n_numbers; k++)
			if (ew_catalog_numbers[e->numbers + k].on[system] == number)
				return (int)i;
	}
	return system < 0 ? family_entry_by_number(EW_FAMILY_KERNEL, number) : -1;
}

/* "linux darwin" -> {-1, EW_SYS_DARWIN}; returns the count. */
static size_t systems_of(const char *list, int *out, size_t max)
{
	size_t n = 0;
	while (list && *list && n < max) {
		size_t len = strcspn(list, " ");
		if (len == 5 && strncmp(list, "linux", 5) == 0)
			out[n++] = -1;
		for (int s = 0; s < EW_SYS_COUNT && !(len == 5 && strncmp(list, "linux", 5) == 0); s++)
			if (strlen(ew_system_key((enum ew_system)s)) == len &&
			    strncmp(list, ew_system_key((enum ew_system)s), len) == 0)
				out[n++] = s;
		list += len;
		list += strspn(list, " ");
	}
	return n;
}

static bool claimed(const struct claim *cl, size_t n, int entry)
{
	for (size_t i = 0; i < n; i++)
		if (cl[i].entry == entry && entry >= 0 && strcmp(cl[i].how, "number") != 0)
			return true;
	return false;
}

/* A number through a form: the entry the line's other evidence names, if the number means it
 * on one of the form's systems; otherwise the first system's, unless the line's text names
 * another error (then the text is right and the number is read on a system we do not know). */
static bool read_number(const struct ew_cand *c, const struct claim *cl, size_t n_cl,
			struct claim *out)
{
	int sys[EW_SYS_COUNT + 1];
	size_t n = systems_of(ew_catalog_str(message_of(c)->numbers), sys, EW_SYS_COUNT + 1);
	bool any_text = false;

	for (size_t i = 0; i < n_cl; i++)
		any_text |= cl[i].entry >= 0;
	for (size_t i = 0; i < n; i++) {
		int e = entry_by_number(sys[i], c->number);
		if (e >= 0 && claimed(cl, n_cl, e)) {
			out->entry = e;
			out->system = sys[i];
			return true;
		}
	}
	for (size_t i = 0; i < n && !any_text; i++) {
		int e = entry_by_number(sys[i], c->number);
		if (e >= 0) {
			out->entry = e;
			out->system = sys[i];
			return true;
		}
	}
	return false;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Whether a signal's text at [start, end) of the line stands as a shell reports a job it
 * ended (see EW_PAT_LINE): followed by " (core dumped)", alone on the line, or after
 * "...: PID " as bash names a job of a script. */
static bool as_shell_says(const char *line, size_t len, size_t start, size_t end)
{
	static const char dumped[] = " (core dumped)";
	size_t d = sizeof(dumped) - 1, i = start;

	/* "(core dumped)" is said of a signal only: after output that had no line end, too. */
	if (len - end >= d && strncmp(line + end, dumped, d) == 0)
		return true;
	if (blank(line, start))
		return blank(line + end, len - end);
	while (i > 0 && line[i - 1] == ' ')
		i--;
	size_t digits = i;
	while (i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9')
		i--;
	return digits > i && digits < start && i >= 2 && line[i - 1] == ' ' && line[i - 2] == ':';
}

/* A form of another family: systemd's "status=203/EXEC" has both (the name must agree),
 * "signal=KILL" a name, "exited with code 137" a number. */
static bool family_claim(const struct ew_cand *c, int family, struct claim *out)
{
	char q[48];

	if (c->name[0] && c->number >= 0 && family == EW_FAMILY_EXIT) {
		snprintf(q, sizeof(q), "%ld/%s", c->number, c->name);
		out->entry = entry_by_name(q, family);
	} else if (c->name[0]) {
		out->entry = entry_by_name(c->name, family);
	} else {
		out->entry = family_entry_by_number(family, c->number);
	}
	out->how = c->name[0] ? "name" : "number";
	out->number = c->number;
	return out->entry >= 0;
}

static bool make_claim(const struct ew_cand *c, const struct claim *cl, size_t n_cl,
		       const char *line, size_t len, struct claim *out)
{
	const struct ew_pattern *p = &ew_patterns[c->pattern];
	const struct ew_message *m = message_of(c);

	*out = (struct claim){.entry = p->entry, .system = -1, .number = -1, .start = c->start,
			      .end = c->end, .own_start = c->start};
	switch (p->kind) {
	case EW_PAT_NAME:
		out->how = "name";
		return true;
	case EW_PAT_TEXT:
		out->how = "text";
		return true;
	case EW_PAT_LINE:
		out->how = "text";
		out->ecosystem = "shell";
		out->eco_rank = 1;
		return as_shell_says(line, len, c->start, c->end);
	case EW_PAT_TRANSLATION:
		out->how = "translation";
		out->lang = ew_pattern_lang(p);
		return true;
	case EW_PAT_PATTERN:
		out->how = "pattern";
		out->ecosystem = ew_catalog_str(m->ecosystem);
		out->eco_rank = 1;
		return true;
	case EW_PAT_FORM:
		out->ecosystem = ew_catalog_str(m->ecosystem);
		out->eco_rank = 2;
		if (m->family)
			return family_claim(c, ew_family_parse(ew_catalog_str(m->family)), out);
		if (c->name[0]) {
			out->how = "name";
			out->entry = entry_by_name(c->name, EW_FAMILY_ERRNO);
			return out->entry >= 0;
		}
		out->how = "number";
		out->number = c->number;
		return read_number(c, cl, n_cl, out);
	default:
		return false;
	}
}

static bool same_error(const struct claim *a, const struct claim *b)
{
	return a->entry == b->entry;
}

/* Evidence for an error already claimed joins its claim: the spans join when they stand
 * close, a number or a stronger ecosystem is added. */
static void merge(struct claim *into, const struct claim *c)
{
	/* "[Errno 48] Address already in use" is one span when its parts touch (a few bytes
	 * between: "ENOENT: no such file"); "... - /x (Errno::ENOTEMPTY)" are two. */
	if (c->start <= into->end + 4 && into->start <= c->end + 4) {
		into->start = c->start < into->start ? c->start : into->start;
		into->end = c->end > into->end ? c->end : into->end;
	}
	if (c->number >= 0 && into->number < 0) {
		into->number = c->number;
		into->system = c->system;
	}
	if (c->eco_rank > into->eco_rank) {
		into->ecosystem = c->ecosystem;
		into->eco_rank = c->eco_rank;
	}
	if (strcmp(into->how, "name") != 0 && strcmp(c->how, "name") == 0)
		into->how = "name";
	if (!into->lang)
		into->lang = c->lang;
}

static size_t add_claim(struct claim *cl, size_t n, const struct claim *c)
{
	for (size_t i = 0; i < n; i++)
		if (same_error(&cl[i], c)) {
			merge(&cl[i], c);
			return n;
		}
	if (n < CLAIMS_MAX)
		cl[n++] = *c;
	return n;
}

static void to_hit(const struct claim *c, const char *marker, const char *line, size_t len,
		   struct ew_hit *h)
{
	const struct ew_entry *e = ew_entry_at((size_t)c->entry);

	*h = (struct ew_hit){.entry = e, .family = ew_family_key(e->family),
			     .name = e->name, .how = c->how, .lang = c->lang,
			     .ecosystem = c->ecosystem ? c->ecosystem : marker,
			     .system = c->system, .number = c->number, .start = c->start,
			     .len = c->end - c->start};
	if (h->lang && !h->lang[0])
		h->lang = NULL;
	ew_context_clear(&h->context);
	/* Before the first evidence, after the whole span: Node's "ENOENT: no such file or
	 * directory, open 'x'" names its path after the text, not after the name. */
	ew_context_read(&h->context, line, len, c->own_start, c->end);
}

size_t ew_decide(struct ew_cand *c, size_t n, const char *line, size_t len, struct ew_hit *out,
		 size_t max)
{
	bool dead[CLAIMS_MAX * 4] = {0};
	struct claim cl[CLAIMS_MAX], one;
	size_t n_cl = 0, n_out = 0;
	const char *marker = NULL;

	if (n > CLAIMS_MAX * 4)
		n = CLAIMS_MAX * 4;
	drop_covered(c, n, dead);
	/* Numbers last: they are read in the light of the line's names and texts. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			bool number = kind_of(&c[i]) == EW_PAT_FORM && !c[i].name[0];
			if (dead[i] || number != (pass == 1))
				continue;
			if (kind_of(&c[i]) == EW_PAT_MARKER) {
				if (!marker)
					marker = ew_catalog_str(message_of(&c[i])->ecosystem);
				continue;
			}
			if (make_claim(&c[i], cl, n_cl, line, len, &one))
				n_cl = add_claim(cl, n_cl, &one);
		}
	/* In the order the line says them. */
	for (size_t i = 1; i < n_cl; i++)
		for (size_t k = i; k > 0 && cl[k - 1].start > cl[k].start; k--) {
			struct claim t = cl[k];
			cl[k] = cl[k - 1];
			cl[k - 1] = t;
		}
	for (size_t i = 0; i < n_cl && n_out < max; i++)
		to_hit(&cl[i], marker, line, len, &out[n_out++]);
	return n_out;
}
