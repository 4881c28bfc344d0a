/* catalog.c: access to the compiled catalog, and the names of families, systems and
 * confidence levels that every renderer shares. */
#include <errno.h>
#include <stdio.h>

#include "catalog.h"

size_t ew_entry_count(void)
{
	return ew_catalog_size;
}

const struct ew_entry *ew_entry_at(size_t index)
{
	return index < ew_catalog_size ? &ew_catalog[index] : NULL;
}

const char *ew_family_key(enum ew_family family)
{
	switch (family) {
	case EW_FAMILY_ERRNO: return "errno";
	case EW_FAMILY_COUNT: break;
	}
	return "?";
}

const char *ew_family_label(enum ew_family family)
{
	switch (family) {
	case EW_FAMILY_ERRNO: return "Linux / POSIX";
	case EW_FAMILY_COUNT: break;
	}
	return "?";
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

/* The sentence that backs the mark: what ran, or why nothing could. */
int ew_confidence_evidence(const struct ew_entry *e, char *buf, size_t size)
{
	int n;

	if (!e || !buf || !size)
		return -EINVAL;
	switch (e->confidence) {
	case EW_CONFIDENCE_HIGH:
		n = snprintf(buf, size, "reproduced: %s returned %s (errwhy repro %s)",
			     e->repro_call, e->name, e->name);
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
