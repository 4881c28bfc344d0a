/* json.c: entries as JSON, through jansson. The schema is stable: fields are added, never
 * renamed (the core issue fixes its first version). Absent sections are null or []. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json.h"
#include "json_text.h"
#include "render.h"

bool ew_json_set(json_t *o, const char *key, json_t *v)
{
	if (!o || !v) {
		json_decref(v);
		return false;
	}
	return json_object_set_new(o, key, v) == 0; /* which takes v even when it fails */
}

bool ew_json_append(json_t *a, json_t *v)
{
	if (!a || !v) {
		json_decref(v);
		return false;
	}
	return json_array_append_new(a, v) == 0;
}

json_t *ew_json_ok(json_t *o, bool ok)
{
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *strings(const char *const *items, size_t n)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; i < n && ok; i++)
		ok = ew_json_append(a, json_string(items[i]));
	return ew_json_ok(a, ok);
}

static json_t *code_json(const struct ew_code *c)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "lang", json_string(c->lang)) &&
		  ew_json_set(o, "code", json_string(c->text));

	return ew_json_ok(o, ok);
}

/* A catalog text, or null where the entry has none. */
static json_t *text(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *fix_json(const struct ew_fix *f)
{
	json_t *o = json_object(), *examples = json_array();
	bool ok = o && examples;

	for (size_t k = 1; k < f->n_code && ok; k++)
		ok = ew_json_append(examples, code_json(&f->code[k]));
	ok = ok && ew_json_set(o, "title", json_string(f->title)) &&
	     ew_json_set(o, "when", json_string(f->when)) &&
	     ew_json_set(o, "code", json_string(f->code[0].text)) &&
	     ew_json_set(o, "lang", json_string(f->code[0].lang)) &&
	     ew_json_set(o, "why", json_string(f->why)) &&
	     ew_json_set(o, "source", text(f->source));
	ok = ew_json_set(o, "examples", examples) && ok; /* always: it takes examples */
	return ew_json_ok(o, ok);
}

static json_t *fixes(const struct ew_entry *e)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; i < e->n_fixes && ok; i++)
		ok = ew_json_append(a, fix_json(&e->fixes[i]));
	return ew_json_ok(a, ok);
}

static json_t *number_or_null(int32_t v)
{
	return v == EW_NO_NUMBER ? json_null() : json_integer(v);
}

/* {"linux": 98, "darwin": 48, ...} for one row of the numbers table. */
static json_t *numbers(const struct ew_entry *e, size_t row)
{
	json_t *o = json_object();
	bool ok = ew_json_set(o, "linux", json_integer(e->number));

	for (size_t i = 0; i < ew_family_n_systems(e->family) && ok; i++) {
		int sys = ew_family_system_at(e->family, i);
		ok = ew_json_set(o, ew_family_system_key(e->family, (enum ew_system)sys),
				 number_or_null(e->numbers[row].on[sys]));
	}
	return ew_json_ok(o, ok);
}

static json_t *match_info(const struct ew_match *m)
{
	static const char *const kinds[] = {
		[EW_MATCH_NAME] = "name", [EW_MATCH_ALIAS] = "alias",
		[EW_MATCH_NUMBER] = "number", [EW_MATCH_MESSAGE] = "message",
		[EW_MATCH_FOREIGN] = "foreign_number",
	};
	/* kind comes from the caller: an unknown one must not index past the table. */
	const char *kind = (unsigned)m->kind < sizeof(kinds) / sizeof(kinds[0]) && kinds[m->kind]
		? kinds[m->kind] : "unknown";
	json_t *o = json_object(), *systems;
	bool ok = ew_json_set(o, "kind", json_string(kind)) &&
		  ew_json_set(o, "as", json_string(m->as_name ? m->as_name : m->entry->name));

	if (ok && (m->kind == EW_MATCH_NUMBER || m->kind == EW_MATCH_FOREIGN))
		ok = ew_json_set(o, "number", json_integer(m->number));
	if (ok && m->hit && m->hit_text)
		ok = ew_json_set(o, "as", json_string(m->hit_text));
	if (ok && m->hit && m->hit->ecosystem)
		ok = ew_json_set(o, "ecosystem", json_string(m->hit->ecosystem));
	if (ok && m->hit && m->hit->system >= 0)
		ok = ew_json_set(o, "system", json_string(ew_system_key((enum ew_system)m->hit->system)));
	if (ok && m->kind == EW_MATCH_FOREIGN) {
		systems = json_array();
		ok = systems != NULL;
		for (int sys = 0; sys < EW_SYS_COUNT && ok; sys++)
			if (m->systems & (1u << sys))
				ok = ew_json_append(systems,
						    json_string(ew_system_key((enum ew_system)sys)));
		ok = ok && ew_json_set(o, "system",
				       json_string(ew_system_key((enum ew_system)m->system)));
		ok = ew_json_set(o, "systems", systems) && ok;
	}
	return ew_json_ok(o, ok);
}

static json_t *reproduce(const struct ew_entry *e)
{
	json_t *o;
	bool ok;

	if (!e->repro_command)
		return json_null();
	o = json_object();
	ok = ew_json_set(o, "command", json_string(e->repro_command)) &&
	     ew_json_set(o, "output", text(e->repro_output));
	return ew_json_ok(o, ok);
}

/* [null, "unlink(2)", ...]: what supports each cause, in the order of "causes". */
static json_t *cause_sources(const struct ew_entry *e)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; i < e->n_causes && ok; i++)
		ok = ew_json_append(a, text(e->cause_sources ? e->cause_sources[i] : NULL));
	return ew_json_ok(a, ok);
}

/* What backs the confidence: {"evidence": "...", "reproduction": "bind() on ..." or null,
 * "unreproduced": "why" or null}. */
static bool set_evidence(json_t *o, const struct ew_entry *e)
{
	char why[600];

	ew_confidence_evidence(e, why, sizeof(why));
	return ew_json_set(o, "evidence", json_string(why)) &&
	       ew_json_set(o, "reproduction", text(e->repro_call)) &&
	       ew_json_set(o, "unreproduced", text(e->unreproduced)) &&
	       ew_json_set(o, "returned", json_boolean(e->returned));
}

/* "Who sends it": [{"who": "...", "source": "..." or null}]. */
static json_t *senders(const struct ew_entry *e)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; i < e->n_senders && ok; i++) {
		json_t *s = json_object();
		bool one = ew_json_set(s, "who", json_string(e->senders[i])) &&
			   ew_json_set(s, "source", text(e->sender_sources[i]));
		ok = ew_json_append(a, ew_json_ok(s, one));
	}
	return ew_json_ok(a, ok);
}

/* What only one family has: a signal's default action ("core" also means it dumps core),
 * whether it can be caught, who sends it; an exit status's number and the signal of 128+N. */
static bool set_family_fields(json_t *o, const struct ew_entry *e)
{
	switch (e->family) {
	case EW_FAMILY_SIGNAL:
		return ew_json_set(o, "default_action", text(e->action)) &&
		       ew_json_set(o, "core", json_boolean(e->action &&
							   strcmp(e->action, "core") == 0)) &&
		       ew_json_set(o, "catchable", json_boolean(e->catchable)) &&
		       ew_json_set(o, "senders", senders(e));
	case EW_FAMILY_EXIT:
		return ew_json_set(o, "status", json_integer(e->number)) &&
		       ew_json_set(o, "signal", e->signal ? json_integer(e->signal) : json_null());
	default:
		return true;
	}
}

/* "id" is the entry's name in the catalog, unique across families and its page's path
 * (/exit/137); "name" is what the error is called: the same, but for an exit status its
 * symbolic name where it has one (EXIT_EXEC, EX_USAGE, the signal of 128+N). */
static bool set_names(json_t *o, const struct ew_entry *e)
{
	const char *name = e->family == EW_FAMILY_EXIT && e->symbol ? e->symbol : e->name;

	return ew_json_set(o, "id", json_string(e->name)) &&
	       ew_json_set(o, "name", json_string(name));
}

static json_t *entry(const struct ew_match *m)
{
	const struct ew_entry *e = m->entry;
	json_t *o = json_object(), *aliases = json_array(), *alias_numbers = json_object();
	bool ok = o && aliases && alias_numbers;

	for (size_t k = 1; k < e->n_numbers && ok; k++)
		ok = ew_json_append(aliases, json_string(e->numbers[k].name)) &&
		     ew_json_set(alias_numbers, e->numbers[k].name, numbers(e, k));
	ok = ok && ew_json_set(o, "family", json_string(ew_family_key(e->family))) &&
	     set_names(o, e);
	ok = ew_json_set(o, "aliases", aliases) && ok; /* always: it takes aliases */
	ok = ok && ew_json_set(o, "number", json_integer(e->number)) &&
	     ew_json_set(o, "message", text(e->message)) &&
	     ew_json_set(o, "title", text(e->title)) &&
	     ew_json_set(o, "category", text(e->category)) &&
	     ew_json_set(o, "common", json_boolean(e->common)) &&
	     ew_json_set(o, "confidence", json_string(ew_confidence_key(e->confidence))) &&
	     ew_json_set(o, "complete", json_boolean(e->complete)) && set_evidence(o, e) &&
	     ew_json_set(o, "meaning", text(e->meaning)) &&
	     ew_json_set(o, "causes", strings(e->causes, e->n_causes)) &&
	     ew_json_set(o, "cause_sources", cause_sources(e)) &&
	     ew_json_set(o, "seen", text(e->seen)) &&
	     ew_json_set(o, "reproduce", reproduce(e)) && ew_json_set(o, "fixes", fixes(e)) &&
	     ew_json_set(o, "avoid", strings(e->avoid, e->n_avoid)) &&
	     ew_json_set(o, "numbers", numbers(e, 0));
	ok = ew_json_set(o, "alias_numbers", alias_numbers) && ok;
	ok = ok && ew_json_set(o, "sources", strings(e->sources, e->n_sources)) &&
	     set_family_fields(o, e) && ew_json_set(o, "match", match_info(m));
	if (ok && m->hit)
		ok = ew_json_set(o, "context", ew_context_json(&m->hit->context));
	return ew_json_ok(o, ok);
}

int ew_render_json(struct ew_buf *b, const struct ew_match *m, size_t n, bool pretty,
		   const struct ew_diagnosis *diag)
{
	json_t *a;

	if (!b || (!m && n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!m[i].entry || (unsigned)m[i].kind > EW_MATCH_FOREIGN)
			return -EINVAL;
	a = json_array();
	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *o = entry(&m[i]), *machine;
		bool ok = o != NULL;
		const struct ew_oom_report *oom =
			diag && ew_oom_applies(m[i].entry) ? diag->oom : NULL;
		const struct ew_resolv_report *resolver =
			diag && ew_resolv_applies(m[i].entry) ? diag->resolver : NULL;
		unsigned limit_parts =
			diag && diag->limits ? ew_limits_applies(m[i].entry) : 0;
		const struct ew_path_report *path =
			diag && ew_path_applies(m[i].entry) ? diag->path : NULL;
		if (ok && diag && (diag->port || oom || resolver || limit_parts || path)) {
			machine = json_object();
			ok = !diag->port || ew_json_set(machine, "port", ew_port_report_json(diag->port));
			ok = ok && (!oom || ew_json_set(machine, "oom", ew_oom_report_json(oom)));
			ok = ok && (!resolver ||
				    ew_json_set(machine, "resolver", ew_resolv_report_json(resolver)));
			ok = ok && (!limit_parts ||
				    ew_json_set(machine, "limits",
						ew_limits_report_json(diag->limits, limit_parts)));
			ok = ok && (!path || ew_json_set(machine, "path", ew_path_report_json(path)));
			ok = ew_json_set(o, "on_this_machine", ew_json_ok(machine, ok)) && ok;
		}
		if (!ew_json_append(a, ew_json_ok(o, ok))) {
			json_decref(a);
			return -ENOMEM;
		}
	}
	return ew_json_dump(b, a, pretty);
}

/* Appends JSON text with every code point that could act on a terminal \u-escaped: jansson
 * escapes C0 controls itself but passes DEL, C1 controls and bidi controls through raw. They
 * can only stand inside strings (the structure is ASCII), where \uNNNN means the same. */
static void put_json_safe(struct ew_buf *b, const char *text)
{
	const char *run = text, *p = text, *end = text + strlen(text);

	while (p < end) {
		uint32_t cp;
		size_t k = ew_utf8_char(p, (size_t)(end - p), &cp);
		if (k && cp >= 0x7F && ew_codepoint_unsafe(cp)) {
			ew_buf_append(b, run, (size_t)(p - run));
			ew_buf_printf(b, "\\u%04x", (unsigned)cp);
			run = p + k;
		}
		p += k ? k : 1;
	}
	ew_buf_append(b, run, (size_t)(p - run));
}

/* jansson returns NULL only when out of memory; the builders pass that NULL up, so one check
 * here covers them all. */
int ew_json_dump(struct ew_buf *b, json_t *o, bool pretty)
{
	char *text;

	if (!o)
		return -ENOMEM;
	text = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	put_json_safe(b, text);
	ew_buf_putc(b, '\n');
	free(text);
	return b->failed ? -ENOMEM : 0;
}

/* ---- the web API (/api/v1/...) ---- */

int ew_render_json_entry(struct ew_buf *b, const struct ew_entry *e, bool pretty)
{
	struct ew_match m;

	if (!b || !e)
		return -EINVAL;
	m = (struct ew_match){.entry = e, .kind = EW_MATCH_NAME, .as_name = e->name, .system = -1};
	return ew_json_dump(b, entry(&m), pretty);
}

static json_t *summary(const struct ew_entry *e)
{
	json_t *o = json_object(), *aliases = json_array();
	bool ok = o && aliases;

	for (size_t k = 1; k < e->n_numbers && ok; k++)
		ok = ew_json_append(aliases, json_string(e->numbers[k].name));
	ok = ok && ew_json_set(o, "family", json_string(ew_family_key(e->family))) &&
	     set_names(o, e) && ew_json_set(o, "number", json_integer(e->number)) &&
	     ew_json_set(o, "message", text(e->message)) &&
	     ew_json_set(o, "title", text(e->title)) &&
	     ew_json_set(o, "category", text(e->category)) &&
	     ew_json_set(o, "common", json_boolean(e->common)) &&
	     ew_json_set(o, "confidence", json_string(ew_confidence_key(e->confidence)));
	ok = ew_json_set(o, "aliases", aliases) && ok;
	return ew_json_ok(o, ok);
}

int ew_render_json_list(struct ew_buf *b, bool pretty)
{
	json_t *o = json_object(), *list = json_array();
	bool ok = o && list;

	if (!b) {
		json_decref(o);
		json_decref(list);
		return -EINVAL;
	}
	for (size_t i = 0; i < ew_entry_count() && ok; i++)
		ok = ew_json_append(list, summary(ew_entry_at(i)));
	/* Every family's entries, each with its "family"; the top-level key stays, now "all". */
	ok = ok && ew_json_set(o, "family", json_string("all")) &&
	     ew_json_set(o, "count", json_integer((json_int_t)ew_entry_count()));
	ok = ew_json_set(o, "errors", list) && ok;
	return ew_json_dump(b, ew_json_ok(o, ok), pretty);
}

/* One answer: the entry's summary with how it matched and, for a message, where. */
static json_t *answer_match(const struct ew_match *m)
{
	json_t *o;
	bool ok;

	o = summary(m->entry);
	ok = o && ew_json_set(o, "match", match_info(m));
	if (ok && m->hit)
		ok = ew_json_set(o, "context", ew_context_json(&m->hit->context));
	return ew_json_ok(o, ok);
}

/* Outside bytes as a JSON string: escaped first, as everywhere, so that invalid UTF-8 (which
 * json_string() refuses) and controls come out visible. */
static json_t *text_escaped(const char *s, size_t n, size_t max_chars)
{
	struct ew_buf b;
	json_t *v;

	ew_buf_init(&b);
	ew_buf_append_escaped(&b, s, n, max_chars);
	v = b.failed ? NULL : json_string(b.data ? b.data : "");
	ew_buf_free(&b);
	return v;
}

int ew_render_json_answer(struct ew_buf *b, const struct ew_answer *a, bool pretty)
{
	json_t *o, *matches, *suggest;
	bool ok;

	if (!b || !a || !a->query)
		return -EINVAL;
	o = json_object();
	matches = json_array();
	suggest = json_array();
	ok = o && matches && suggest;
	for (size_t i = 0; i < a->n && ok; i++)
		ok = ew_json_append(matches, answer_match(&a->matches[i]));
	for (size_t i = 0; i < a->n_suggest && ok; i++)
		ok = ew_json_append(suggest, json_string(a->suggest[i]->name));
	/* The query is raw bytes: as JSON text, escaped and cut as a span is. */
	ok = ok && ew_json_set(o, "query", text_escaped(a->query, a->query_len, SIZE_MAX)) &&
	     ew_json_set(o, "kind", json_string(ew_answer_kind_key(a->kind)));
	ok = ew_json_set(o, "matches", matches) && ok;
	ok = ew_json_set(o, "suggest", suggest) && ok;
	return ew_json_dump(b, ew_json_ok(o, ok), pretty);
}

int ew_render_json_error(struct ew_buf *b, const char *error, const char *path, size_t len,
			 long max_bytes)
{
	json_t *o;
	bool ok;

	if (!b || !error)
		return -EINVAL;
	o = json_object();
	ok = ew_json_set(o, "error", json_string(error));
	if (ok && path)
		ok = ew_json_set(o, "path", text_escaped(path, len, 1024));
	if (ok && max_bytes >= 0)
		ok = ew_json_set(o, "max_bytes", json_integer(max_bytes));
	return ew_json_dump(b, ew_json_ok(o, ok), false);
}
