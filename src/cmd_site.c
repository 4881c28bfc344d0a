/* cmd_site.c: `errwhy site DIR` writes the web catalog as static files (the pages, their
 * assets and the JSON API) for any web host. It never writes over what is not its own. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
	"usage: errwhy site DIR\n"
	"\n"
	"Writes the web catalog to DIR as static files for any web host: index.html, one\n"
	"page per error in its family's directory (errno/EADDRINUSE.html,\n"
	"signal/SIGKILL.html, exit/137.html, resolver/EAI_NONAME.html,\n"
	"kernel/EPROBE_DEFER.html; an alias's page links its entry), 404.html, the style\n"
	"sheet and script (assets/), and the JSON API (api/v1/errors.json, every entry as\n"
	"api/v1/errors/NAME.json). The pages link to each other relatively, so the export\n"
	"also reads from the file system; the search box filters the index, with\n"
	"JavaScript.\n"
	"\n"
	"DIR must not exist, or be empty, or hold an earlier export (it has the file\n"
	".errwhy-site, written first): errwhy site never writes into anything else.\n"
	"\n"
	"  -h, --help  this text\n"
	"\n"
	"exit status: 0 written, 2 the command line is wrong or DIR is not errwhy's to\n"
	"write, 3 the system refused something errwhy needed (a file could not be written)\n";

#define MARKER ".errwhy-site"

struct site {
	int root;          /* DIR, open */
	const char *dir;   /* as given, for messages */
	size_t files;
	struct ew_buf out; /* the page being written */
};

/* Opens (making it if need be) the directory name under parent; never through a symlink. */
static int open_subdir(int parent, const char *name)
{
	if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes data to path (relative to dirfd, '/'-separated), making its directories. A symlink
 * left where a file or directory goes is refused (O_NOFOLLOW), never followed. */
static int write_at(int dirfd, const char *path, const char *data, size_t len)
{
	const char *slash = strchr(path, '/');
	int fd, r;

	if (slash) {
		char part[256];
		size_t n = (size_t)(slash - path);
		if (n == 0 || n >= sizeof(part))
			return -EINVAL;
		memcpy(part, path, n);
		part[n] = '\0';
		fd = open_subdir(dirfd, part);
		if (fd < 0)
			return fd;
		r = write_at(fd, slash + 1, data, len);
		close(fd);
		return r;
	}
	fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	/* A full disk may show only at close (NFS): a file not closed cleanly is not written. */
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int put_file(struct site *s, const char *path, const char *data, size_t len)
{
	int r = write_at(s->root, path, data, len);

	if (r < 0) {
		fprintf(stderr, "errwhy site: cannot write %s/%s: %s\n", ew_cli_quote(s->dir), path,
			strerror(-r));
		return EW_EXIT_SYSTEM;
	}
	s->files++;
	return EW_EXIT_OK;
}

/* Writes what the last renderer put in s->out (r is its result), then empties it. */
static int put_rendered(struct site *s, const char *path, int r)
{
	int rc;

	if (r < 0 || s->out.failed) {
		fprintf(stderr, "errwhy site: cannot render %s: %s\n", path,
			strerror(r < 0 ? -r : ENOMEM));
		return EW_EXIT_SYSTEM;
	}
	rc = put_file(s, path, s->out.data ? s->out.data : "", s->out.len);
	s->out.len = 0;
	if (s->out.data)
		s->out.data[0] = '\0';
	return rc;
}

/* Whether dirfd holds nothing, or an earlier export: the only directories errwhy writes in. */
static bool ours(int dirfd)
{
	struct stat st;
	struct dirent *d;
	bool empty = true;
	int fd = dup(dirfd);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);

	if (fstatat(dirfd, MARKER, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
		if (dir)
			closedir(dir);
		else if (fd >= 0)
			close(fd);
		return true;
	}
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (empty && (d = readdir(dir)))
		empty = strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0;
	closedir(dir);
	return empty;
}

/* Opens DIR for the export, making it if it does not exist; an exit code when it may not. */
static int open_target(struct site *s)
{
	if (mkdir(s->dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "errwhy site: cannot make %s: %s\n", ew_cli_quote(s->dir),
			strerror(errno));
		return EW_EXIT_SYSTEM;
	}
	s->root = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->root < 0 && errno == ENOTDIR)
		return ew_cli_usage_error("errwhy site", "%s exists and is not a directory",
					  ew_cli_quote(s->dir));
	if (s->root < 0) {
		fprintf(stderr, "errwhy site: cannot open %s: %s\n", ew_cli_quote(s->dir),
			strerror(errno));
		return EW_EXIT_SYSTEM;
	}
	if (!ours(s->root))
		return ew_cli_usage_error("errwhy site",
					  "%s is not empty and holds no earlier export (no %s "
					  "in it): refusing to write into it; give a new or "
					  "empty directory", ew_cli_quote(s->dir), MARKER);
	return EW_EXIT_OK;
}

static int write_pages(struct site *s)
{
	char path[128];
	int rc;

	if ((rc = put_rendered(s, "index.html", ew_render_html_index(&s->out, EW_HTML_SITE))))
		return rc;
	rc = put_rendered(s, "404.html", ew_render_html_not_found(&s->out, "", 0, EW_HTML_SITE));
	if (rc)
		return rc;
	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		const char *family = ew_family_key(e->family);
		snprintf(path, sizeof(path), "%s/%s.html", family, e->name);
		rc = put_rendered(s, path, ew_render_html_entry(&s->out, e, EW_HTML_SITE));
		if (rc)
			return rc;
		/* errno/EWOULDBLOCK.html, signal/SIGIO.html: in the family's directory, where a
		 * reader of another reference would look. */
		for (size_t k = 1; k < e->n_numbers; k++) {
			const char *alias = e->numbers[k].name;
			snprintf(path, sizeof(path), "%s/%s.html", family, alias);
			rc = put_rendered(s, path, ew_render_html_alias(&s->out, e, alias,
									EW_HTML_SITE));
			if (rc)
				return rc;
		}
	}
	return EW_EXIT_OK;
}

static int write_api(struct site *s)
{
	char path[128];
	int rc;

	rc = put_rendered(s, "api/v1/errors.json", ew_render_json_list(&s->out, false));
	if (rc)
		return rc;
	for (size_t i = 0; i < ew_entry_count(); i++) {
		const struct ew_entry *e = ew_entry_at(i);
		snprintf(path, sizeof(path), "api/v1/errors/%s.json", e->name);
		rc = put_rendered(s, path, ew_render_json_entry(&s->out, e, false));
		if (rc)
			return rc;
	}
	return EW_EXIT_OK;
}

static int write_assets(struct site *s)
{
	for (size_t i = 0; i < ew_asset_count(); i++) {
		const struct ew_asset *a = ew_asset_at(i);
		int rc = put_file(s, a->path, a->data, a->len);
		if (rc)
			return rc;
	}
	return EW_EXIT_OK;
}

static int export(struct site *s)
{
	static const char marker[] = "This directory is an export of errwhy site: running "
				     "errwhy site on it again overwrites its files.\n";
	int rc;

	if ((rc = open_target(s)))
		return rc;
	/* The marker first: an export cut short is still recognised as one, and redone. */
	if ((rc = put_file(s, MARKER, marker, sizeof(marker) - 1)))
		return rc;
	s->files = 0; /* the marker is not part of the site */
	if ((rc = write_pages(s)) || (rc = write_assets(s)) || (rc = write_api(s)))
		return rc;
	fprintf(stderr, "errwhy site: wrote %zu files to %s\n", s->files, ew_cli_quote(s->dir));
	return EW_EXIT_OK;
}

int ew_cmd_site(int argc, char **argv)
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct site s = {.root = -1};
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return EW_EXIT_OK;
		}
		return ew_cli_usage_error("errwhy site", "unknown option '%s'",
					  ew_cli_quote(argv[optind - 1]));
	}
	if (argc - optind != 1)
		return ew_cli_usage_error("errwhy site", "%s",
					  argc == optind ? "which directory? give DIR"
							 : "one DIR only");
	s.dir = argv[optind];
	ew_buf_init(&s.out);
	rc = export(&s);
	ew_buf_free(&s.out);
	if (s.root >= 0)
		close(s.root);
	return rc;
}
