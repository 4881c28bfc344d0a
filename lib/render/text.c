/* text.c: the reference page of one entry, for a terminal or a pipe. The sections follow the
 * order of the catalog file; their headings are the same words, so that a reader who knows
 * one knows the other. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "render.h"

#define INDENT 2
#define CODE_INDENT 4

static void heading(struct ew_buf *b, const char *title, const struct ew_text_style *st)
{
	ew_buf_putc(b, '\n');
	ew_styled(b, EW_ANSI_HEAD, title, st->color);
	ew_buf_putc(b, '\n');
}

/* How the query was read, when it was not simply the name: "48 on macOS / Darwin". */
static void match_note(struct ew_buf *b, const struct ew_match *m, const struct ew_text_style *st)
{
	switch (m->kind) {
	case EW_MATCH_ALIAS:
		ew_buf_printf(b, "%s is another name for %s on Linux.", m->as_name, m->entry->name);
		break;
	case EW_MATCH_FOREIGN:
		ew_buf_printf(b, "%ld on ", m->number);
		for (int sys = 0, seen = 0; sys < EW_SYS_COUNT; sys++)
			if (m->systems & (1u << sys))
				ew_buf_printf(b, "%s%s", seen++ ? ", " : "",
					      ew_system_label((enum ew_system)sys));
		ew_buf_printf(b, " is %s; on this system %s is %d.", m->as_name, m->entry->name,
			      m->entry->number);
		break;
	case EW_MATCH_NUMBER:
		if (!st->label_match)
			return;
		ew_buf_printf(b, "As %s, %s%ld is %s.", ew_family_noun(m->entry->family),
			      m->entry->number < 0 ? "-" : "", m->number, m->entry->name);
		break;
	case EW_MATCH_NAME:
	case EW_MATCH_MESSAGE:
	default:
		return;
	}
	ew_buf_putc(b, '\n');
}

/* "HIGH confidence — reproduced: ...": the mark and what earned it, under the title. */
static void evidence(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	char why[600], line[700];

	ew_confidence_evidence(e, why, sizeof(why)); /* a cut sentence still reads */
	snprintf(line, sizeof(line), "**%s confidence** — %s",
		 e->confidence == EW_CONFIDENCE_HIGH ? "HIGH" :
		 e->confidence == EW_CONFIDENCE_MEDIUM ? "MEDIUM" : "LOW", why);
	ew_wrap(b, line, 0, 2, st);
}

/* "SIGKILL  9", "137 (SIGKILL)", "203 (EXIT_EXEC)": the name and what identifies it. Returns
 * the columns written. */
static size_t name_line(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	size_t names = strlen(e->name);

	ew_styled(b, EW_ANSI_NAME, e->name, st->color);
	if (e->symbol) {
		ew_buf_printf(b, " (%s)", e->symbol);
		names += 3 + strlen(e->symbol);
	}
	for (size_t k = 1; k < e->n_numbers; k++) {
		ew_buf_printf(b, k == 1 ? " (also %s" : ", %s", e->numbers[k].name);
		names += (k == 1 ? 7 : 2) + strlen(e->numbers[k].name);
	}
	if (e->n_numbers > 1) {
		ew_buf_putc(b, ')');
		names++;
	}
	return names;
}

/* A signal's nature in one line: what happens by default and whether a handler may step in. */
static void signal_facts(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	char line[300];

	if (!e->action)
		return;
	snprintf(line, sizeof(line), "Default action: %s. %s", ew_signal_action_words(e->action),
		 e->catchable ? "A program can catch, block or ignore it."
			      : "No program can catch, block or ignore it.");
	ew_wrap(b, line, 0, 2, st);
}

static void header(struct ew_buf *b, const struct ew_entry *e, const struct ew_match *m,
		   const struct ew_text_style *st)
{
	size_t names = name_line(b, e, st), rest;
	char number[16] = "", tail[160];

	/* An exit status is its own name; every other entry shows its number. */
	if (e->family != EW_FAMILY_EXIT)
		snprintf(number, sizeof(number), "  %d", e->number);
	rest = (size_t)snprintf(tail, sizeof(tail), "%s  %s  category: %s  confidence: %s",
				number, ew_family_label(e->family), e->category,
				ew_confidence_key(e->confidence));
	/* One line when it fits; else category and confidence go under the name. */
	if (names + rest <= st->width) {
		ew_buf_printf(b, "%s\n", tail);
	} else {
		ew_buf_printf(b, "%s  %s\n", number, ew_family_label(e->family));
		ew_buf_printf(b, "category: %s  confidence: %s\n", e->category,
			      ew_confidence_key(e->confidence));
	}
	/* The message in quotes only adds something when it is not the title again. */
	if (strcasecmp(e->title, e->message) != 0) {
		char line[512];
		snprintf(line, sizeof(line), "**%s** (\"%s\")", e->title, e->message);
		ew_wrap(b, line, 0, 2, st);
	} else {
		ew_styled(b, EW_ANSI_BOLD, e->title, st->color);
		ew_buf_putc(b, '\n');
	}
	evidence(b, e, st);
	signal_facts(b, e, st);
	match_note(b, m, st);
}

/* "Source: unlink(2), linux v6.1 fs/namei.c" under the claim it supports. */
static void source_line(struct ew_buf *b, const char *source, unsigned indent,
			const struct ew_text_style *st)
{
	char line[600];

	snprintf(line, sizeof(line), "Source: %s", source);
	ew_buf_printf(b, "%*s", (int)indent, "");
	ew_wrap_at(b, line, indent, indent, st);
}

/* A signal's senders: a list like the causes, each with its source. */
static void senders(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	if (!e->n_senders)
		return;
	heading(b, "Who sends it", st);
	for (size_t i = 0; i < e->n_senders; i++) {
		ew_buf_printf(b, "%*s- ", INDENT, "");
		ew_wrap_at(b, e->senders[i], INDENT + 2, INDENT + 2, st);
		if (e->sender_sources[i])
			source_line(b, e->sender_sources[i], INDENT + 2, st);
	}
}

static void causes(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	char num[16];

	if (!e->n_causes)
		return;
	heading(b, "Why it happens", st);
	for (size_t i = 0; i < e->n_causes; i++) {
		int n = snprintf(num, sizeof(num), "%*s%zu. ", INDENT, "", i + 1);
		ew_buf_puts(b, num);
		/* Continuation lines go under the text, not under the number. */
		ew_wrap_at(b, e->causes[i], (unsigned)n, (unsigned)n, st);
		if (e->cause_sources && e->cause_sources[i])
			source_line(b, e->cause_sources[i], (unsigned)n, st);
	}
}

static void seen(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	if (!e->seen)
		return;
	heading(b, "If you see it", st);
	ew_wrap(b, e->seen, INDENT, INDENT, st);
}

static void reproduce(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	if (!e->repro_command)
		return;
	heading(b, "How to reproduce", st);
	ew_indent_block(b, e->repro_command, INDENT, "$ ");
	if (e->repro_output) {
		ew_wrap(b, "It prints:", INDENT, INDENT, st);
		ew_indent_block(b, e->repro_output, CODE_INDENT, NULL);
	}
}

static void fixes(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	for (size_t i = 0; i < e->n_fixes; i++) {
		const struct ew_fix *f = &e->fixes[i];
		char title[256];

		snprintf(title, sizeof(title), "Fix %zu: %s", i + 1, f->title);
		heading(b, title, st);
		ew_buf_printf(b, "%*s", INDENT, "");
		ew_styled(b, EW_ANSI_BOLD, "When it applies:", st->color);
		ew_buf_putc(b, ' ');
		ew_wrap_at(b, f->when, INDENT + 17, INDENT, st);
		for (size_t k = 0; k < f->n_code; k++) {
			ew_buf_putc(b, '\n');
			if (k > 0 || (strcmp(f->code[k].lang, "c") != 0 && strcmp(f->code[k].lang, "sh") != 0))
				ew_buf_printf(b, "%*s(%s)\n", CODE_INDENT, "", f->code[k].lang);
			ew_indent_block(b, f->code[k].text, CODE_INDENT, NULL);
		}
		ew_buf_putc(b, '\n');
		ew_buf_printf(b, "%*s", INDENT, "");
		ew_styled(b, EW_ANSI_BOLD, "Why this works:", st->color);
		ew_buf_putc(b, ' ');
		ew_wrap_at(b, f->why, INDENT + 16, INDENT, st);
		if (f->source)
			source_line(b, f->source, INDENT, st);
	}
}

static void avoid(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	if (!e->n_avoid)
		return;
	heading(b, "What not to do", st);
	for (size_t i = 0; i < e->n_avoid; i++) {
		ew_buf_printf(b, "%*s- ", INDENT, "");
		ew_wrap_at(b, e->avoid[i], INDENT + 2, INDENT + 2, st);
	}
}

/* One column per name (the entry's, then its aliases), one row per system. */
static void numbers(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	bool dash = false;

	if (!e->n_numbers)
		return;
	heading(b, "Numbers on other systems", st);
	if (e->n_numbers > 1) {
		ew_buf_printf(b, "%*s%-24s", INDENT, "", "");
		for (size_t k = 0; k < e->n_numbers; k++)
			ew_buf_printf(b, k + 1 < e->n_numbers ? "%-14s" : "%s", e->numbers[k].name);
		ew_buf_putc(b, '\n');
	}
	for (size_t i = 0; i < ew_family_n_systems(e->family); i++) {
		int sys = ew_family_system_at(e->family, i);
		ew_buf_printf(b, "%*s%-24s", INDENT, "", ew_system_label((enum ew_system)sys));
		for (size_t k = 0; k < e->n_numbers; k++) {
			int32_t v = e->numbers[k].on[sys];
			if (v == EW_NO_NUMBER) {
				ew_buf_printf(b, "%-14s", "-");
				dash = true;
			} else
				ew_buf_printf(b, "%-14d", (int)v);
		}
		/* Trailing blanks from the fixed-width columns serve no one. */
		while (b->len && b->data[b->len - 1] == ' ')
			b->data[--b->len] = '\0';
		ew_buf_putc(b, '\n');
	}
	/* A legend for a sign the table does not show is noise. */
	if (dash)
		ew_wrap(b, "(- : the system has no such name)", INDENT, INDENT, st);
}

static void sources(struct ew_buf *b, const struct ew_entry *e, const struct ew_text_style *st)
{
	struct ew_buf list;

	heading(b, "Sources", st);
	ew_buf_init(&list);
	for (size_t i = 0; i < e->n_sources; i++)
		ew_buf_printf(&list, "%s%s", i ? ", " : "", e->sources[i]);
	if (list.failed)
		b->failed = true;
	else if (list.len)
		ew_wrap(b, list.data, INDENT, INDENT, st);
	ew_buf_free(&list);
}

/* What errwhy saw on this machine, first after the title: it is the answer to "why here?".
 * Each report is its own renderer's text (errwhy port's for the port), the reports apart by a
 * blank line, set in by one step like every section's body. */
static void on_this_machine(struct ew_buf *b, const struct ew_entry *e,
			    const struct ew_diagnosis *diag, const struct ew_text_style *st)
{
	const struct ew_text_style inner = {.width = st->width - INDENT, .color = st->color};
	const struct ew_oom_report *oom = diag && ew_oom_applies(e) ? diag->oom : NULL;
	const struct ew_resolv_report *resolver =
		diag && ew_resolv_applies(e) ? diag->resolver : NULL;
	/* The limits: only the parts behind this error (EMFILE: fds and inotify). */
	unsigned limit_parts = diag && diag->limits ? ew_limits_applies(e) : 0;
	const struct ew_path_report *path = diag && ew_path_applies(e) ? diag->path : NULL;
	struct ew_buf body;

	if (!diag || (!diag->port && !oom && !resolver && !limit_parts && !path))
		return;
	heading(b, "On this machine", st);
	ew_buf_init(&body);
	if (diag->port)
		ew_render_port_text(&body, diag->port, &inner);
	if (oom) {
		if (body.len)
			ew_buf_putc(&body, '\n');
		ew_render_oom_text(&body, oom, &inner);
	}
	if (resolver) {
		if (body.len)
			ew_buf_putc(&body, '\n');
		ew_render_resolv_text(&body, resolver, &inner);
	}
	if (limit_parts) {
		if (body.len)
			ew_buf_putc(&body, '\n');
		ew_render_limits_text(&body, diag->limits, limit_parts, &inner);
	}
	if (path) {
		if (body.len)
			ew_buf_putc(&body, '\n');
		ew_render_path_text(&body, path, &inner);
	}
	if (body.failed)
		b->failed = true;
	else if (body.len)
		ew_indent_block(b, body.data, INDENT, NULL);
	ew_buf_free(&body);
}

int ew_render_text(struct ew_buf *b, const struct ew_match *m, const struct ew_text_style *style,
		   const struct ew_diagnosis *diag)
{
	const struct ew_entry *e;
	struct ew_text_style st = {.width = 80};

	if (!b || !m || !m->entry || (unsigned)m->kind > EW_MATCH_FOREIGN)
		return -EINVAL;
	e = m->entry;
	if (style)
		st = *style;

	/* Very narrow terminals still get readable, if ragged, text. */
	if (st.width < 40)
		st.width = 40;
	if (st.width > 100)
		st.width = 100;
	header(b, e, m, &st);
	on_this_machine(b, e, diag, &st);
	heading(b, "What this means", &st);
	ew_wrap(b, e->meaning, INDENT, INDENT, &st);
	senders(b, e, &st);
	causes(b, e, &st);
	seen(b, e, &st);
	reproduce(b, e, &st);
	fixes(b, e, &st);
	avoid(b, e, &st);
	numbers(b, e, &st);
	sources(b, e, &st);
	return b->failed ? -ENOMEM : 0;
}

int ew_render_brief(struct ew_buf *b, const struct ew_entry *e, const char *as_name)
{
	if (!b || !e)
		return -EINVAL;
	/* An exit status is named by its number: its symbol takes the number's column. */
	if (e->family == EW_FAMILY_EXIT)
		ew_buf_printf(b, "%s %s %s\n", e->name, e->symbol ? e->symbol : "-", e->message);
	else
		ew_buf_printf(b, "%s %d %s\n", as_name ? as_name : e->name, e->number, e->message);
	return b->failed ? -ENOMEM : 0;
}
