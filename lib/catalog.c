/* catalog.c: access to the compiled catalog, and the names of families, systems and
 * confidence levels that every renderer shares. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"

size_t ew_entry_count(void)
{
	return ew_catalog_size;
}

const struct ew_entry *ew_entry_at(size_t index)
{
	return index < ew_catalog_size ? &ew_catalog[index] : NULL;
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
