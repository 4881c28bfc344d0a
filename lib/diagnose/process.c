/* process.c: what /proc says about one process that holds a socket: its command line, user,
 * start time, and who is responsible for it (systemd unit, container, terminal session). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diagnose.h"

/* Reads a whole /proc file (they report size 0) into a NUL-terminated buffer. */
static int read_file(int pid, const char *name, char **out, size_t *len)
{
	char path[64];
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int fd;

	if (!buf)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return errno == ENOENT ? -ESRCH : -errno;
	}
	for (;;) {
		ssize_t r;
		if (n + 1 >= cap) {
			char *p = cap < (1u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!p)
				break; /* a command line longer than 1 MiB is cut, not fatal */
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			close(fd);
			free(buf);
			return e == -ESRCH ? -ESRCH : e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

/* The fields of /proc/PID/stat after the command name, which may itself hold ") ". */
struct stat_fields {
	int ppid, session, tty_nr;
	unsigned long long starttime;
};

static int read_stat(int pid, struct stat_fields *f)
{
	char *text, *p;
	int r = read_file(pid, "stat", &text, NULL);

	if (r < 0)
		return r;
	p = strrchr(text, ')');
	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
	 * cutime cstime priority nice num_threads itrealvalue starttime */
	if (!p || sscanf(p + 1, " %*c %d %*d %d %d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
				"%*d %*d %*d %llu",
			 &f->ppid, &f->session, &f->tty_nr, &f->starttime) != 4)
		r = -EIO;
	free(text);
	return r;
}

int ew_proc_ppid(int pid)
{
	struct stat_fields f;
	int r = read_stat(pid, &f);

	return r < 0 ? r : f.ppid;
}

/* Seconds since the epoch at boot, from /proc/stat's btime. */
static long long boot_time(void)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[256];
	long long btime = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	fclose(f);
	return btime;
}

/* "pts/3" for a pseudo-terminal, "tty2" for a console; NULL without a terminal. */
static char *terminal_name(int tty_nr)
{
	unsigned major = ((unsigned)tty_nr >> 8) & 0xfff;
	unsigned minor = ((unsigned)tty_nr & 0xff) | (((unsigned)tty_nr >> 12) & 0xfff00);
	char name[32];

	if (tty_nr == 0)
		return NULL;
	if (major >= 136 && major <= 143)
		snprintf(name, sizeof(name), "pts/%u", (major - 136) * 256 + minor);
	else if (major == 4 && minor < 64)
		snprintf(name, sizeof(name), "tty%u", minor);
	else if (major == 4)
		snprintf(name, sizeof(name), "ttyS%u", minor - 64);
	else
		snprintf(name, sizeof(name), "tty %u:%u", major, minor);
	return strdup(name);
}

static bool all_hex(const char *s, size_t n)
{
	if (n < 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Finds a container id in one cgroup path component: "docker-<64 hex>.scope",
 * "libpod-<id>.scope", "cri-containerd-<id>.scope", or a bare id under /docker/. */
static bool container_component(const char *comp, size_t len, const char *parent,
				size_t parent_len, const char **runtime, const char **id,
				size_t *id_len)
{
	static const struct {
		const char *prefix, *runtime;
	} scopes[] = {
		{"docker-", "docker"},
		{"libpod-", "podman"},
		{"cri-containerd-", "containerd"},
		{"crio-", "cri-o"},
	};

	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t pl = strlen(scopes[i].prefix);
		if (len > pl + 6 && strncmp(comp, scopes[i].prefix, pl) == 0 &&
		    strncmp(comp + len - 6, ".scope", 6) == 0 && all_hex(comp + pl, len - pl - 6)) {
			*runtime = scopes[i].runtime;
			*id = comp + pl;
			*id_len = len - pl - 6;
			return true;
		}
	}
	/* cgroupfs drivers: /docker/<id>, /kubepods/.../<id>, /libpod_parent/libpod-<id> */
	if (all_hex(comp, len) && parent) {
		if (parent_len == 6 && strncmp(parent, "docker", 6) == 0)
			*runtime = "docker";
		else if (parent_len > 3 && strncmp(parent, "pod", 3) == 0)
			*runtime = "kubernetes";
		else
			return false;
		*id = comp;
		*id_len = len;
		return true;
	}
	return false;
}

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);
	return len > sl && strncmp(s + len - sl, suffix, sl) == 0;
}

int ew_cgroup_parse(const char *path, char **unit, bool *user_unit, char **runtime,
		    char **id)
{
	const char *p = path, *parent = NULL, *unit_at = NULL, *rt = NULL, *cid = NULL;
	size_t parent_len = 0, unit_len = 0, cid_len = 0;
	bool in_user_manager = false, unit_is_user = false;

	*unit = *runtime = *id = NULL;
	*user_unit = false;
	while (*p) {
		const char *comp, *slash;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		slash = strchr(comp, '/');
		len = slash ? (size_t)(slash - comp) : strlen(comp);
		/* The deepest service or scope is the unit; user@UID.service is the manager
		 * itself, and the units below it are that user's. A login's session-N.scope is a
		 * terminal session, not a unit to stop. */
		if (len > 5 && strncmp(comp, "user@", 5) == 0 && has_suffix(comp, len, ".service")) {
			in_user_manager = true;
		} else if ((has_suffix(comp, len, ".service") || has_suffix(comp, len, ".scope")) &&
			   !(len > 8 && strncmp(comp, "session-", 8) == 0 &&
			     has_suffix(comp, len, ".scope"))) {
			unit_at = comp;
			unit_len = len;
			unit_is_user = in_user_manager;
		}
		if (!rt)
			container_component(comp, len, parent, parent_len, &rt, &cid, &cid_len);
		parent = comp;
		parent_len = len;
		p = comp + len;
	}
	if (rt) {
		*runtime = strdup(rt);
		*id = strndup(cid, cid_len);
		if (!*runtime || !*id)
			goto nomem;
		/* A container's own scope is no unit to stop: name the container instead. */
		return 0;
	}
	if (unit_at) {
		*unit = strndup(unit_at, unit_len);
		if (!*unit)
			goto nomem;
		*user_unit = unit_is_user;
	}
	return 0;
nomem:
	free(*unit);
	free(*runtime);
	free(*id);
	*unit = *runtime = *id = NULL;
	return -ENOMEM;
}

/* The cgroup v2 path ("0::/system.slice/x.service"), else the systemd v1 hierarchy's. */
static int read_cgroup(int pid, struct ew_port_holder *h)
{
	char *text, *line, *save = NULL, *path = NULL;
	int r = read_file(pid, "cgroup", &text, NULL);

	if (r < 0)
		return r == -ESRCH ? r : 0; /* unreadable: leave the unit unknown */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "0::", 3) == 0)
			path = line + 3;
		else if (!path && strncmp(line, "1:name=systemd:", 15) == 0)
			path = line + 15;
	}
	if (path)
		r = ew_cgroup_parse(path, &h->unit, &h->user_unit, &h->container_runtime,
				    &h->container_id);
	free(text);
	return r;
}

/* docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2
 * -container-port 80: the container address it forwards to. */
static int read_proxy(struct ew_port_holder *h)
{
	const char *ip = NULL, *port = NULL;
	char text[96];

	if (strcmp(h->comm, "docker-proxy") != 0)
		return 0;
	for (size_t i = 0; i + 1 < h->argc; i++) {
		if (strcmp(h->argv[i], "-container-ip") == 0)
			ip = h->argv[i + 1];
		else if (strcmp(h->argv[i], "-container-port") == 0)
			port = h->argv[i + 1];
	}
	if (!ip)
		return 0;
	snprintf(text, sizeof(text), strchr(ip, ':') ? "[%s]:%s" : "%s:%s", ip,
		 port ? port : "?");
	h->proxy_to = strdup(text);
	if (!h->container_runtime)
		h->container_runtime = strdup("docker");
	return h->proxy_to && h->container_runtime ? 0 : -ENOMEM;
}

static int read_cmdline(int pid, struct ew_port_holder *h)
{
	char *text;
	size_t len, n = 0;
	int r = read_file(pid, "cmdline", &text, &len);

	if (r < 0)
		return r;
	/* A process that rewrites its title (nginx, postgres, sshd) leaves the rest of its old
	 * argument space as NULs: empty arguments at the end, which ps drops too. */
	while (len > 1 && text[len - 1] == '\0' && text[len - 2] == '\0')
		len--;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\0')
			n++;
	if (len && text[len - 1] != '\0')
		n++;
	h->argv = calloc(n + 1, sizeof(*h->argv));
	if (!h->argv) {
		free(text);
		return -ENOMEM;
	}
	/* One allocation holds the strings; argv[0] points at its start. */
	for (size_t i = 0, at = 0; i < n; i++) {
		h->argv[i] = text + at;
		at += strlen(text + at) + 1;
	}
	h->argc = n;
	if (n == 0)
		free(text);
	return 0;
}

static int read_uid(int pid, struct ew_port_holder *h)
{
	char *text, *line;
	unsigned ruid, euid;
	int r = read_file(pid, "status", &text, NULL);

	if (r < 0)
		return r;
	line = strstr(text, "\nUid:");
	if (line && sscanf(line + 5, "%u %u", &ruid, &euid) == 2)
		h->uid = euid;
	else
		r = -EIO;
	free(text);
	return r;
}

char *ew_user_name(uint32_t uid)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0 || !found)
		return NULL;
	return strdup(found->pw_name);
}

int ew_proc_read(int pid, struct ew_port_holder *h)
{
	struct stat_fields f;
	char *comm;
	long long btime;
	long ticks = sysconf(_SC_CLK_TCK);
	int r;

	memset(h, 0, sizeof(*h));
	h->pid = pid;
	h->started = -1;
	r = read_stat(pid, &f);
	if (r < 0)
		return r;
	h->ppid = f.ppid;
	h->session = f.session;
	btime = boot_time();
	if (btime >= 0 && ticks > 0)
		h->started = btime + (int64_t)(f.starttime / (unsigned long long)ticks);
	r = read_file(pid, "comm", &comm, NULL);
	if (r < 0)
		goto fail;
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
	free(comm);
	if ((r = read_cmdline(pid, h)) < 0 || (r = read_uid(pid, h)) < 0 ||
	    (r = read_cgroup(pid, h)) < 0 || (r = read_proxy(h)) < 0)
		goto fail;
	h->user = ew_user_name(h->uid);
	h->terminal = terminal_name(f.tty_nr);
	return 0;
fail:
	ew_proc_clear(h);
	return r;
}

void ew_proc_clear(struct ew_port_holder *h)
{
	if (h->argv)
		free(h->argv[0]);
	free(h->argv);
	free(h->user);
	free(h->unit);
	free(h->container_runtime);
	free(h->container_id);
	free(h->proxy_to);
	free(h->terminal);
	memset(h, 0, sizeof(*h));
}

int ew_port_holder_read(int pid, struct ew_port_holder *h)
{
	if (!h)
		return -EINVAL;
	if (pid <= 0) {
		memset(h, 0, sizeof(*h));
		return -ESRCH;
	}
	return ew_proc_read(pid, h);
}

void ew_port_holder_clear(struct ew_port_holder *h)
{
	if (h)
		ew_proc_clear(h);
}
