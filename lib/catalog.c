/* catalog.c: access to the compiled catalog, and the names of families, systems and
 * confidence levels that every renderer shares. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"

size_t ew_entry_count(void)
{
	return ew_catalog_size;
}

/* The n list items from *at on, NULL when there are none (as the tables had it); *at moves
 * past them. */
static const char *const *list_at(const char **items, size_t *at, size_t n)
{
	const char *const *list = n ? items + *at : NULL;
	*at += n;
	return list;
}

static const struct ew_fix *fixes_of(const struct ew_entry_rec *r)
{
	for (size_t i = 0; i < r->n_fixes; i++) {
		const struct ew_fix_rec *f = &ew_catalog_fixes[r->fixes + i];
		const struct ew_code_rec *from = &ew_catalog_codes[f->code];
		struct ew_code *code = &ew_catalog_code_items[f->code];
		for (size_t k = 0; k < f->n_code; k++)
			code[k] = (struct ew_code){ew_catalog_str(from[k].lang),
						   ew_catalog_str(from[k].text)};
		ew_catalog_fix_items[r->fixes + i] = (struct ew_fix){
			.title = ew_catalog_str(f->title), .when = ew_catalog_str(f->when),
			.code = code, .n_code = f->n_code, .why = ew_catalog_str(f->why),
			.source = ew_catalog_str(f->source)};
	}
	return r->n_fixes ? &ew_catalog_fix_items[r->fixes] : NULL;
}

static const struct ew_numbers *numbers_of(const struct ew_entry_rec *r)
{
	for (size_t i = 0; i < r->n_numbers; i++) {
		const struct ew_numbers_rec *n = &ew_catalog_numbers[r->numbers + i];
		struct ew_numbers *to = &ew_catalog_numbers_items[r->numbers + i];
		to->name = ew_catalog_str(n->name);
		memcpy(to->on, n->on, sizeof(to->on));
	}
	return r->n_numbers ? &ew_catalog_numbers_items[r->numbers] : NULL;
}

/* Writes entry i, its lists, fixes and rows into their storage. Each entry has storage of its
 * own (catalogc laid it out), so building one never writes what another's reader reads. */
static void build(size_t i)
{
	const struct ew_entry_rec *r = &ew_catalog_recs[i];
	const char **items = &ew_catalog_list_items[r->lists];
	const uint32_t *offsets = &ew_catalog_lists[r->lists];
	size_t n_items = 2 * (size_t)r->n_senders + 2 * (size_t)r->n_causes + r->n_avoid +
			 r->n_sources, at = 0;
	struct ew_entry *e = &ew_catalog_entries[i];

	/* Every list of the entry in one pass: they lie one after another. */
	for (size_t k = 0; k < n_items; k++)
		items[k] = ew_catalog_str(offsets[k]);
	e->family = (enum ew_family)r->family;
	e->name = ew_catalog_str(r->name);
	e->number = r->number;
	e->message = ew_catalog_str(r->message);
	e->title = ew_catalog_str(r->title);
	e->category = ew_catalog_str(r->category);
	e->common = r->common;
	e->complete = r->complete;
	e->confidence = (enum ew_confidence)r->confidence;
	e->meaning = ew_catalog_str(r->meaning);
	e->action = ew_catalog_str(r->action);
	e->catchable = r->catchable;
	e->senders = list_at(items, &at, r->n_senders);
	e->sender_sources = list_at(items, &at, r->n_senders);
	e->n_senders = r->n_senders;
	e->symbol = ew_catalog_str(r->symbol);
	e->signal = r->signal;
	e->causes = list_at(items, &at, r->n_causes);
	e->n_causes = r->n_causes;
	e->cause_sources = list_at(items, &at, r->n_causes);
	e->returned = r->returned;
	e->seen = ew_catalog_str(r->seen);
	e->repro_command = ew_catalog_str(r->repro_command);
	e->repro_output = ew_catalog_str(r->repro_output);
	e->repro_call = ew_catalog_str(r->repro_call);
	e->unreproduced = ew_catalog_str(r->unreproduced);
	e->fixes = fixes_of(r);
	e->n_fixes = r->n_fixes;
	e->avoid = list_at(items, &at, r->n_avoid);
	e->n_avoid = r->n_avoid;
	e->numbers = numbers_of(r);
	e->n_numbers = r->n_numbers;
	e->sources = list_at(items, &at, r->n_sources);
	e->n_sources = r->n_sources;
}

static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

/* An entry is built the first time it is asked for, so that a lookup pays for one entry
 * rather than the loader for all of them. Thread-safe (errwhy-serve answers on many threads):
 * a reader that sees ready[i] set (acquire) also sees every write build(i) made before it was
 * set (release); one that does not takes the lock, and builds only if no one did meanwhile, so
 * build(i) runs once and nobody reads entry i while it runs. Built entries are never written
 * again: after ready[i], entry i is plain read-only data. */
const struct ew_entry *ew_entry_at(size_t index)
{
	if (index >= ew_catalog_size)
		return NULL;
	if (!atomic_load_explicit(&ew_catalog_ready[index], memory_order_acquire)) {
		pthread_mutex_lock(&build_lock);
		if (!atomic_load_explicit(&ew_catalog_ready[index], memory_order_relaxed)) {
			build(index);
			atomic_store_explicit(&ew_catalog_ready[index], true, memory_order_release);
		}
		pthread_mutex_unlock(&build_lock);
	}
	return &ew_catalog_entries[index];
}

size_t ew_entry_index(const struct ew_entry *e)
{
	return (size_t)(e - ew_catalog_entries);
}

static const struct {
	const char *key, *label;
	const enum ew_system *systems;
	size_t n_systems;
} families[EW_FAMILY_COUNT] = {
	[EW_FAMILY_ERRNO] = {"errno", "Linux / POSIX", (const enum ew_system[]){
		EW_SYS_DARWIN, EW_SYS_FREEBSD, EW_SYS_OPENBSD, EW_SYS_WINDOWS_WSA, EW_SYS_WINDOWS_CRT,
		EW_SYS_LINUX_ALPHA, EW_SYS_LINUX_MIPS, EW_SYS_LINUX_PARISC, EW_SYS_LINUX_SPARC}, 9},
	[EW_FAMILY_SIGNAL] = {"signal", "Signals", (const enum ew_system[]){
		EW_SYS_DARWIN, EW_SYS_FREEBSD, EW_SYS_OPENBSD, EW_SYS_LINUX_ALPHA, EW_SYS_LINUX_MIPS,
		EW_SYS_LINUX_PARISC, EW_SYS_LINUX_SPARC}, 7},
	[EW_FAMILY_EXIT] = {"exit", "Exit statuses", NULL, 0},
	[EW_FAMILY_RESOLVER] = {"resolver", "getaddrinfo errors", (const enum ew_system[]){
		EW_SYS_MUSL, EW_SYS_DARWIN, EW_SYS_FREEBSD, EW_SYS_OPENBSD, EW_SYS_WINDOWS_WSA}, 5},
	[EW_FAMILY_KERNEL] = {"kernel", "Kernel-internal codes", NULL, 0},
};

const char *ew_family_key(enum ew_family family)
{
	return (unsigned)family < EW_FAMILY_COUNT ? families[family].key : "?";
}

const char *ew_family_label(enum ew_family family)
{
	return (unsigned)family < EW_FAMILY_COUNT ? families[family].label : "?";
}

const char *ew_family_noun(enum ew_family family)
{
	switch (family) {
	case EW_FAMILY_ERRNO: return "an errno value";
	case EW_FAMILY_SIGNAL: return "a signal";
	case EW_FAMILY_EXIT: return "an exit status";
	case EW_FAMILY_RESOLVER: return "a getaddrinfo code";
	case EW_FAMILY_KERNEL: return "a kernel-internal code";
	case EW_FAMILY_COUNT: break;
	}
	return "?";
}

/* signal(7), "Signal dispositions". */
const char *ew_signal_action_words(const char *action)
{
	static const char *const words[][2] = {
		{"term", "terminate the process"},
		{"core", "terminate the process and dump core"},
		{"ign", "ignore the signal"},
		{"stop", "stop the process"},
		{"cont", "continue the process if it is stopped"},
	};

	for (size_t i = 0; action && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(action, words[i][0]) == 0)
			return words[i][1];
	return "?";
}

int ew_family_parse(const char *key)
{
	for (int f = 0; key && f < EW_FAMILY_COUNT; f++)
		if (strcmp(key, families[f].key) == 0)
			return f;
	return -1;
}

size_t ew_family_n_systems(enum ew_family family)
{
	return (unsigned)family < EW_FAMILY_COUNT ? families[family].n_systems : 0;
}

int ew_family_system_at(enum ew_family family, size_t i)
{
	return i < ew_family_n_systems(family) ? (int)families[family].systems[i] : -1;
}

const char *ew_family_system_key(enum ew_family family, enum ew_system system)
{
	if (family == EW_FAMILY_RESOLVER && system == EW_SYS_WINDOWS_WSA)
		return "windows";
	return ew_system_key(system);
}

static const struct {
	const char *key, *label;
} systems[EW_SYS_COUNT] = {
	[EW_SYS_DARWIN] = {"darwin", "macOS / Darwin"},
	[EW_SYS_FREEBSD] = {"freebsd", "FreeBSD"},
	[EW_SYS_OPENBSD] = {"openbsd", "OpenBSD"},
	[EW_SYS_WINDOWS_WSA] = {"windows_wsa", "Windows Sockets (WSA)"},
	[EW_SYS_WINDOWS_CRT] = {"windows_crt", "Windows C runtime"},
	[EW_SYS_LINUX_ALPHA] = {"linux_alpha", "Linux on Alpha"},
	[EW_SYS_LINUX_MIPS] = {"linux_mips", "Linux on MIPS"},
	[EW_SYS_LINUX_PARISC] = {"linux_parisc", "Linux on PA-RISC"},
	[EW_SYS_LINUX_SPARC] = {"linux_sparc", "Linux on SPARC"},
	[EW_SYS_MUSL] = {"musl", "musl libc"},
};

const char *ew_system_key(enum ew_system system)
{
	return (unsigned)system < EW_SYS_COUNT ? systems[system].key : "?";
}

const char *ew_system_label(enum ew_system system)
{
	return (unsigned)system < EW_SYS_COUNT ? systems[system].label : "?";
}

const char *ew_confidence_key(enum ew_confidence c)
{
	switch (c) {
	case EW_CONFIDENCE_LOW: return "low";
	case EW_CONFIDENCE_MEDIUM: return "medium";
	case EW_CONFIDENCE_HIGH: return "high";
	}
	return "?";
}

/* What a reproduction's call did to earn the mark: "bind() ... returned EADDRINUSE". */
static const char *outcome_verb(enum ew_family family)
{
	switch (family) {
	case EW_FAMILY_SIGNAL: return "got";
	case EW_FAMILY_EXIT: return "exited with";
	case EW_FAMILY_KERNEL: return "showed a tracer";
	default: return "returned";
	}
}

/* The sentence that backs the mark: what ran, or why nothing could. */
int ew_confidence_evidence(const struct ew_entry *e, char *buf, size_t size)
{
	int n;

	if (!e || !buf || !size)
		return -EINVAL;
	switch (e->confidence) {
	case EW_CONFIDENCE_HIGH:
		n = snprintf(buf, size, "reproduced: %s %s %s (errwhy repro %s)", e->repro_call,
			     outcome_verb(e->family), e->name, e->name);
		break;
	case EW_CONFIDENCE_MEDIUM:
		n = snprintf(buf, size, "documented, not reproduced here: %s",
			     e->unreproduced ? e->unreproduced : "no reproduction yet");
		break;
	default:
		n = snprintf(buf, size, "%s", e->returned ?
			     "only errno(3) or a header names it" :
			     "defined, but mainline Linux never returns it to user space");
	}
	return n < 0 ? -EINVAL : (size_t)n >= size ? -ENOSPC : 0;
}
