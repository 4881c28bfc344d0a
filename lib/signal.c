/* signal.c: signal names and numbers as people write them ("TERM", "SIGKILL", "RTMIN+3",
 * "9"), for errwhy port --kill --signal and what it prints. glibc keeps the first two
 * real-time signals (32 and 33) for itself, so they are no signal a user can mean. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errwhy.h"

static bool valid(int sig)
{
	return (sig >= 1 && sig < 32) || (sig >= SIGRTMIN && sig <= SIGRTMAX);
}

const char *ew_signal_name(int sig)
{
	/* One buffer per real-time signal keeps the returned pointers valid for ever. */
	static char rt[64][24];
	const char *abbrev;
	int min = SIGRTMIN, max = SIGRTMAX;

	if (!valid(sig))
		return NULL;
	if (sig < 32) {
		static char classic[32][16];
		abbrev = sigabbrev_np(sig);
		if (!abbrev)
			return NULL;
		snprintf(classic[sig], sizeof(classic[sig]), "SIG%s", abbrev);
		return classic[sig];
	}
	if (sig - min >= 64)
		return NULL;
	/* As kill -l names them: RTMIN+n up to the middle, RTMAX-n above. */
	if (sig == min)
		snprintf(rt[sig - min], sizeof(rt[0]), "SIGRTMIN");
	else if (sig == max)
		snprintf(rt[sig - min], sizeof(rt[0]), "SIGRTMAX");
	else if (sig - min <= (max - min) / 2)
		snprintf(rt[sig - min], sizeof(rt[0]), "SIGRTMIN+%d", sig - min);
	else
		snprintf(rt[sig - min], sizeof(rt[0]), "SIGRTMAX-%d", max - sig);
	return rt[sig - min];
}

/* "RTMIN", "RTMIN+3", "RTMAX-2": the real-time signals by position. */
static int parse_realtime(const char *text)
{
	int base, sign = 0;
	const char *rest;
	char *end;
	long off = 0;

	if (strncasecmp(text, "RTMIN", 5) == 0)
		base = SIGRTMIN, rest = text + 5;
	else if (strncasecmp(text, "RTMAX", 5) == 0)
		base = SIGRTMAX, rest = text + 5;
	else
		return -1;
	if (*rest == '+' || *rest == '-') {
		sign = *rest == '+' ? 1 : -1;
		if (!isdigit((unsigned char)rest[1]))
			return -1;
		off = strtol(rest + 1, &end, 10);
		if (*end || off > 64)
			return -1;
	} else if (*rest) {
		return -1;
	}
	base += sign * (int)off;
	return base >= SIGRTMIN && base <= SIGRTMAX ? base : -1;
}

int ew_signal_parse(const char *text)
{
	if (!text || !*text)
		return -1;
	if (isdigit((unsigned char)text[0])) {
		char *end;
		long n = strtol(text, &end, 10);
		return *end == '\0' && n <= 64 && valid((int)n) ? (int)n : -1;
	}
	if (strncasecmp(text, "SIG", 3) == 0)
		text += 3;
	static const struct {
		const char *name;
		int sig;
	} aliases[] = {{"IOT", SIGIOT}, {"CLD", SIGCHLD}, {"POLL", SIGPOLL}};

	for (int s = 1; s < 32; s++) {
		const char *name = sigabbrev_np(s);
		if (name && strcasecmp(name, text) == 0)
			return s;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(aliases[i].name, text) == 0)
			return aliases[i].sig;
	return parse_realtime(text);
}
