/* resolv_text.c: a resolver report in words: first what the name runs into (it is invalid,
 * /etc/hosts answers it, the search domains come first), then the configuration read. */
#include <errno.h>
#include <string.h>

#include "render.h"

static bool has_source(const struct ew_resolv_report *r, const char *name)
{
	for (size_t i = 0; i < r->n_hosts_sources; i++)
		if (strcmp(r->hosts_sources[i], name) == 0)
			return true;
	return false;
}

static void escaped_list(struct ew_buf *b, char *const *list, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			ew_buf_puts(b, sep);
		ew_buf_put_escaped(b, list[i]);
	}
}

static void hosts_findings(struct ew_buf *b, const struct ew_resolv_report *r)
{
	if (r->hosts_error) {
		ew_buf_printf(b, "  /etc/hosts: %s\n", strerror(-r->hosts_error));
		return;
	}
	for (size_t i = 0; i < r->n_hosts_lines; i++) {
		ew_buf_printf(b, "  /etc/hosts line %u: ", r->hosts_lines[i].line);
		ew_buf_put_escaped(b, r->hosts_lines[i].text);
		ew_buf_putc(b, '\n');
	}
	/* A hosts entry nobody reads is a classic surprise: say so. */
	if (r->n_hosts_lines && r->hosts_line_found && !has_source(r, "files"))
		ew_buf_puts(b, "  but nsswitch.conf's hosts: line does not list files: "
			       "/etc/hosts is not consulted\n");
}

static void search_finding(struct ew_buf *b, const struct ew_resolv_report *r)
{
	if (!r->search_first)
		return;
	ew_buf_printf(b, "  %u dot%s, fewer than ndots %d: the search domains are tried first: ",
		      r->name_dots, r->name_dots == 1 ? "" : "s", r->ndots);
	for (size_t i = 0; i < r->n_search; i++) {
		ew_buf_put_escaped(b, r->name);
		ew_buf_putc(b, '.');
		ew_buf_put_escaped(b, r->search[i]);
		ew_buf_puts(b, ", ");
	}
	ew_buf_puts(b, "then ");
	ew_buf_put_escaped(b, r->name);
	ew_buf_putc(b, '\n');
}

static void name_findings(struct ew_buf *b, const struct ew_resolv_report *r)
{
	ew_buf_puts(b, "name ");
	ew_buf_put_escaped(b, r->name);
	if (r->invalid)
		ew_buf_printf(b, ": not a valid host name: %s\n", r->invalid);
	else if (r->n_hosts_lines)
		ew_buf_puts(b, ": named in /etc/hosts\n");
	else
		ew_buf_puts(b, ": not in /etc/hosts\n");
	hosts_findings(b, r);
	search_finding(b, r);
	if (r->absolute)
		ew_buf_puts(b, "  a trailing dot: absolute, the search list is not used\n");
}

static void nsswitch_lines(struct ew_buf *b, const struct ew_resolv_report *r)
{
	ew_buf_puts(b, "nsswitch.conf hosts: ");
	if (r->nsswitch_error)
		ew_buf_printf(b, "not readable: %s (glibc then uses: dns files)\n",
			      strerror(-r->nsswitch_error));
	else if (!r->hosts_line_found)
		ew_buf_puts(b, "no hosts: line (glibc then uses: dns files)\n");
	else {
		escaped_list(b, r->hosts_sources, r->n_hosts_sources, " ");
		ew_buf_putc(b, '\n');
	}
}

static void resolv_lines(struct ew_buf *b, const struct ew_resolv_report *r)
{
	ew_buf_puts(b, "resolv.conf");
	if (r->resolv_link) {
		ew_buf_puts(b, " -> ");
		ew_buf_put_escaped(b, r->resolv_link);
	}
	if (r->resolv_error) {
		ew_buf_printf(b, ": not readable: %s (glibc then asks 127.0.0.1)\n",
			      strerror(-r->resolv_error));
		return;
	}
	ew_buf_puts(b, r->stub ? ": systemd-resolved's stub (its servers: resolvectl status)\n"
			       : "\n");
	ew_buf_puts(b, "  nameservers: ");
	escaped_list(b, r->nameservers, r->n_nameservers, ", ");
	if (r->n_nameservers > 3)
		ew_buf_puts(b, " (glibc uses the first 3 only)");
	ew_buf_puts(b, r->n_nameservers ? "\n" : "none (glibc then asks 127.0.0.1)\n");
	ew_buf_puts(b, "  search: ");
	escaped_list(b, r->search, r->n_search, " ");
	ew_buf_puts(b, r->n_search ? "\n" : "none\n");
	ew_buf_printf(b, "  options: ndots %d, timeout %d, attempts %d, rotate %s, edns0 %s\n",
		      r->ndots, r->timeout, r->attempts, r->rotate ? "yes" : "no",
		      r->edns0 ? "yes" : "no");
}

int ew_render_resolv_text(struct ew_buf *b, const struct ew_resolv_report *r,
			  const struct ew_text_style *st)
{
	(void)st; /* short lines of outside data: not wrapped */
	if (!b || !r)
		return -EINVAL;
	if (r->name)
		name_findings(b, r);
	nsswitch_lines(b, r);
	resolv_lines(b, r);
	return b->failed ? -ENOMEM : 0;
}
