/* resolv.c: what the C library's resolver would do with a name, from its configuration
 * alone (nsswitch.conf, resolv.conf, /etc/hosts): no DNS query is ever sent. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oom.h" /* ew_oom_read_small() */

/* glibc's defaults (resolv.conf(5)). */
#define DEFAULT_NDOTS 1
#define DEFAULT_TIMEOUT 5
#define DEFAULT_ATTEMPTS 2

static int push(char ***list, size_t *n, const char *s, size_t len)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));

	if (!grown)
		return -ENOMEM;
	*list = grown;
	if (!(grown[*n] = strndup(s, len)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* The line without its comment (# anywhere; ; too in resolv.conf) and trailing blanks. */
static void strip_comment(char *line, const char *marks)
{
	char *end = line + strcspn(line, marks);

	while (end > line && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
}

static char *skip_space(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

/* The next word of *s, or NULL; an action "[NOTFOUND = return]" is one word with its
 * brackets, spaces inside and all. */
static char *next_word(char **s, size_t *len)
{
	char *w = skip_space(*s), *end;

	if (!*w)
		return NULL;
	if (*w == '[' && (end = strchr(w, ']')))
		end++;
	else
		end = w + strcspn(w, " \t");
	*len = (size_t)(end - w);
	*s = end;
	return w;
}

static int parse_nsswitch(struct ew_resolv_report *r, char *text)
{
	char *save;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = skip_space(line), *w;
		size_t len;

		strip_comment(s, "#");
		if (strncmp(s, "hosts:", 6) != 0)
			continue;
		/* glibc reads the first hosts: line; later ones are ignored. */
		r->hosts_line_found = true;
		s += 6;
		while ((w = next_word(&s, &len)))
			if (push(&r->hosts_sources, &r->n_hosts_sources, w, len) < 0)
				return -ENOMEM;
		return 0;
	}
	return 0;
}

static int option_value(const char *word, const char *name)
{
	size_t n = strlen(name);

	return strncmp(word, name, n) == 0 && word[n] == ':' ? atoi(word + n + 1) : -1;
}

static void parse_options(struct ew_resolv_report *r, char *s)
{
	char *w;
	size_t len;
	int v;

	while ((w = next_word(&s, &len))) {
		char word[64];

		snprintf(word, sizeof(word), "%.*s", (int)len, w);
		/* glibc caps them: ndots at 15, timeout at 30, attempts at 5. */
		if ((v = option_value(word, "ndots")) >= 0)
			r->ndots = v > 15 ? 15 : v;
		else if ((v = option_value(word, "timeout")) >= 0)
			r->timeout = v > 30 ? 30 : v;
		else if ((v = option_value(word, "attempts")) >= 0)
			r->attempts = v > 5 ? 5 : v;
		else if (strcmp(word, "rotate") == 0)
			r->rotate = true;
		else if (strcmp(word, "edns0") == 0)
			r->edns0 = true;
	}
}

/* search and domain replace each other: the last of them wins. */
static int set_search(struct ew_resolv_report *r, char *s)
{
	char *w;
	size_t len;

	free_list(r->search, r->n_search);
	r->search = NULL;
	r->n_search = 0;
	while ((w = next_word(&s, &len))) {
		/* "search ." (systemd-resolved's stub writes it) means no search domain. */
		if (len == 1 && w[0] == '.')
			continue;
		if (push(&r->search, &r->n_search, w, len) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int resolv_line(struct ew_resolv_report *r, char *line)
{
	char *s = skip_space(line), *w;
	size_t len;

	strip_comment(s, "#;");
	if (strncmp(s, "nameserver", 10) == 0 && isspace((unsigned char)s[10])) {
		s += 10;
		if (!(w = next_word(&s, &len)))
			return 0;
		if ((len == 10 && (strncmp(w, "127.0.0.53", 10) == 0 ||
				   strncmp(w, "127.0.0.54", 10) == 0)))
			r->stub = true;
		return push(&r->nameservers, &r->n_nameservers, w, len);
	}
	if ((strncmp(s, "search", 6) == 0 && isspace((unsigned char)s[6])) ||
	    (strncmp(s, "domain", 6) == 0 && isspace((unsigned char)s[6])))
		return set_search(r, s + 6);
	if (strncmp(s, "options", 7) == 0 && isspace((unsigned char)s[7]))
		parse_options(r, s + 7);
	return 0;
}

static int parse_resolv(struct ew_resolv_report *r, char *text)
{
	char *save;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int e = resolv_line(r, line);
		if (e < 0)
			return e;
	}
	return 0;
}

/* Where resolv.conf links to: systemd-resolved and NetworkManager manage it that way. */
static int read_link(struct ew_resolv_report *r, const char *path)
{
	char target[4096];
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	if (strstr(target, "systemd/resolve/stub-resolv.conf"))
		r->stub = true;
	return (r->resolv_link = strdup(target)) ? 0 : -ENOMEM;
}

/* name and a word of /etc/hosts are the same host: case-insensitive, a trailing dot aside. */
static bool same_host(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen && a[alen - 1] == '.')
		alen--;
	if (blen && b[blen - 1] == '.')
		blen--;
	return alen == blen && alen && strncasecmp(a, b, alen) == 0;
}

static bool line_names(char *line, const char *name)
{
	char copy[4096], *s = copy, *w;
	size_t len;
	bool first = true;

	snprintf(copy, sizeof(copy), "%s", line);
	strip_comment(copy, "#");
	while ((w = next_word(&s, &len))) {
		if (!first && same_host(w, len, name, strlen(name)))
			return true;
		first = false; /* the address */
	}
	return false;
}

static int add_hosts_line(struct ew_resolv_report *r, unsigned no, const char *line)
{
	struct ew_resolv_hosts_line *grown =
		realloc(r->hosts_lines, (r->n_hosts_lines + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	r->hosts_lines = grown;
	grown[r->n_hosts_lines].line = no;
	if (!(grown[r->n_hosts_lines].text = strdup(line)))
		return -ENOMEM;
	r->n_hosts_lines++;
	return 0;
}

/* /etc/hosts is read line by line, whole: block lists make it megabytes long, past what
 * ew_oom_read_small() reads. A NUL in a line ends it, as it does for glibc. */
static int scan_hosts(struct ew_resolv_report *r, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	unsigned no = 0;
	int e = 0;

	if (!f) {
		r->hosts_error = -errno;
		return r->hosts_error == -ENOMEM ? -ENOMEM : 0;
	}
	while (getline(&line, &cap, f) > 0) {
		no++;
		line[strcspn(line, "\n")] = '\0';
		if (line_names(line, r->name) && (e = add_hosts_line(r, no, line)) < 0)
			break;
	}
	if (!e && ferror(f))
		r->hosts_error = -EIO;
	free(line);
	fclose(f);
	return e;
}

static bool ldh(unsigned char c)
{
	return isalnum(c) || c == '-';
}

/* One label's fault, or NULL. */
static const char *label_invalid(const char *l, size_t n)
{
	if (n == 0)
		return "an empty label (two dots in a row, or a leading dot)";
	if (n > 63)
		return "a label longer than 63 bytes";
	if (l[0] == '-')
		return "a label that starts with a hyphen";
	if (l[n - 1] == '-')
		return "a label that ends with a hyphen";
	for (size_t i = 0; i < n; i++) {
		if (l[i] == '_')
			return "an underscore (allowed in DNS records such as _sip._tcp, "
			       "not in a host name)";
		if (!ldh((unsigned char)l[i]))
			return "a character other than letters, digits, hyphens and dots";
	}
	return NULL;
}

const char *ew_resolv_name_invalid(const char *name)
{
	size_t n;

	if (!name || !name[0])
		return "an empty name";
	n = strlen(name);
	if (n > 1 && name[n - 1] == '.')
		n--; /* the root's dot: "example.com." is absolute, not invalid */
	if (n > 253)
		return "longer than 253 bytes";
	for (size_t i = 0; i <= n;) {
		size_t len = strcspn(name + i, ".");
		const char *why;

		if (i + len > n)
			len = n - i;
		if ((why = label_invalid(name + i, len)))
			return why;
		i += len + 1;
	}
	return NULL;
}

static void check_name(struct ew_resolv_report *r)
{
	size_t n = strlen(r->name);

	for (size_t i = 0; i < n; i++)
		r->name_dots += r->name[i] == '.';
	r->absolute = n > 0 && r->name[n - 1] == '.';
	if (r->absolute)
		r->name_dots--;
	r->search_first = !r->absolute && r->name_dots < (unsigned)r->ndots && r->n_search > 0;
	r->invalid = ew_resolv_name_invalid(r->name);
}

/* Reads one file into parse(r, text), or leaves its errno in *err. */
static int read_with(struct ew_resolv_report *r, const char *path, int *err,
		     int (*parse)(struct ew_resolv_report *, char *))
{
	char *text;
	int e;

	*err = ew_oom_read_small(path, &text);
	if (*err == -ENOMEM)
		return -ENOMEM;
	if (*err < 0)
		return 0;
	e = parse(r, text);
	free(text);
	return e;
}

int ew_resolv_report_build(struct ew_resolv_report **out, const char *name,
			   const struct ew_resolv_paths *paths)
{
	static const struct ew_resolv_paths none = {0};
	struct ew_resolv_report *r;
	int e;

	if (!out)
		return -EINVAL;
	*out = NULL;
	paths = paths ? paths : &none;
	if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	r->ndots = DEFAULT_NDOTS;
	r->timeout = DEFAULT_TIMEOUT;
	r->attempts = DEFAULT_ATTEMPTS;
	const char *ns = paths->nsswitch_conf ? paths->nsswitch_conf : "/etc/nsswitch.conf";
	const char *rc = paths->resolv_conf ? paths->resolv_conf : "/etc/resolv.conf";
	const char *hosts = paths->hosts ? paths->hosts : "/etc/hosts";
	e = name && !(r->name = strdup(name)) ? -ENOMEM : 0;
	e = e ? e : read_with(r, ns, &r->nsswitch_error, parse_nsswitch);
	e = e ? e : read_with(r, rc, &r->resolv_error, parse_resolv);
	e = e ? e : read_link(r, rc);
	if (!e && r->name) {
		e = scan_hosts(r, hosts);
		check_name(r);
	}
	if (e < 0) {
		ew_resolv_report_free(r);
		return e;
	}
	*out = r;
	return 0;
}

void ew_resolv_report_free(struct ew_resolv_report *r)
{
	if (!r)
		return;
	free(r->name);
	free_list(r->hosts_sources, r->n_hosts_sources);
	free(r->resolv_link);
	free_list(r->nameservers, r->n_nameservers);
	free_list(r->search, r->n_search);
	for (size_t i = 0; i < r->n_hosts_lines; i++)
		free(r->hosts_lines[i].text);
	free(r->hosts_lines);
	free(r);
}

/* The pages a resolver report belongs on: getaddrinfo's codes. */
bool ew_resolv_applies(const struct ew_entry *e)
{
	return e && e->family == EW_FAMILY_RESOLVER;
}
