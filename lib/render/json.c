/* json.c: entries as JSON, through jansson. The schema is stable: fields are added, never
 * renamed (the core issue fixes its first version). Absent sections are null or []. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json.h"
#include "render.h"

static json_t *strings(const char *const *items, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

static json_t *fixes(const struct ew_entry *e)
{
	json_t *a = json_array();

	for (size_t i = 0; i < e->n_fixes; i++) {
		const struct ew_fix *f = &e->fixes[i];
		json_t *examples = json_array();
		for (size_t k = 1; k < f->n_code; k++)
			json_array_append_new(examples, json_pack("{s:s, s:s}", "lang",
				f->code[k].lang, "code", f->code[k].text));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}",
			"title", f->title, "when", f->when, "code", f->code[0].text,
			"lang", f->code[0].lang, "why", f->why, "examples", examples));
	}
	return a;
}

static json_t *number_or_null(int32_t v)
{
	return v == EW_NO_NUMBER ? json_null() : json_integer(v);
}

/* {"linux": 98, "darwin": 48, ...} for one row of the numbers table. */
static json_t *numbers(const struct ew_entry *e, size_t row)
{
	json_t *o = json_object();

	json_object_set_new(o, "linux", json_integer(e->number));
	for (int sys = 0; sys < EW_SYS_COUNT; sys++)
		json_object_set_new(o, ew_system_key((enum ew_system)sys),
				    number_or_null(e->numbers[row].on[sys]));
	return o;
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
	json_t *o = json_pack("{s:s, s:s}", "kind", kind,
			      "as", m->as_name ? m->as_name : m->entry->name);

	if (m->kind == EW_MATCH_NUMBER || m->kind == EW_MATCH_FOREIGN)
		json_object_set_new(o, "number", json_integer(m->number));
	if (m->kind == EW_MATCH_FOREIGN) {
		json_t *systems = json_array();
		for (int sys = 0; sys < EW_SYS_COUNT; sys++)
			if (m->systems & (1u << sys))
				json_array_append_new(systems,
						      json_string(ew_system_key((enum ew_system)sys)));
		json_object_set_new(o, "system", json_string(ew_system_key((enum ew_system)m->system)));
		json_object_set_new(o, "systems", systems);
	}
	return o;
}

static json_t *entry(const struct ew_match *m)
{
	const struct ew_entry *e = m->entry;
	json_t *o = json_object(), *aliases = json_array(), *alias_numbers = json_object();

	for (size_t k = 1; k < e->n_numbers; k++) {
		json_array_append_new(aliases, json_string(e->numbers[k].name));
		json_object_set_new(alias_numbers, e->numbers[k].name, numbers(e, k));
	}
	json_object_set_new(o, "family", json_string(ew_family_key(e->family)));
	json_object_set_new(o, "name", json_string(e->name));
	json_object_set_new(o, "aliases", aliases);
	json_object_set_new(o, "number", json_integer(e->number));
	json_object_set_new(o, "message", json_string(e->message));
	json_object_set_new(o, "title", json_string(e->title));
	json_object_set_new(o, "category", json_string(e->category));
	json_object_set_new(o, "common", json_boolean(e->common));
	json_object_set_new(o, "confidence", json_string(ew_confidence_key(e->confidence)));
	json_object_set_new(o, "complete", json_boolean(e->complete));
	json_object_set_new(o, "meaning", json_string(e->meaning));
	json_object_set_new(o, "causes", strings(e->causes, e->n_causes));
	json_object_set_new(o, "reproduce", e->repro_command
		? json_pack("{s:s, s:s?}", "command", e->repro_command, "output", e->repro_output)
		: json_null());
	json_object_set_new(o, "fixes", fixes(e));
	json_object_set_new(o, "avoid", strings(e->avoid, e->n_avoid));
	json_object_set_new(o, "numbers", numbers(e, 0));
	json_object_set_new(o, "alias_numbers", alias_numbers);
	json_object_set_new(o, "sources", strings(e->sources, e->n_sources));
	json_object_set_new(o, "match", match_info(m));
	return o;
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
		json_t *o = entry(&m[i]);
		if (diag && diag->port)
			json_object_set_new(o, "on_this_machine", json_pack("{s:o}", "port",
				ew_port_report_json(diag->port)));
		json_array_append_new(a, o);
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
