/* port.h: what the two files of errwhy port share: the parsed command line and the helpers
 * that build and judge a report. cmd_port.c parses, reports, waits and finds free ports;
 * cmd_port_kill.c holds the conversation of --kill. */
#ifndef ERRWHY_PORT_H
#define ERRWHY_PORT_H

#include "cli.h"

struct port_options {
	uint16_t port;
	bool have_port;
	unsigned protos;
	bool json, all_holders, strict, wait, kill, yes, free, force_managed;
	double timeout; /* seconds; < 0 unset */
	double settle;  /* --kill: seconds to watch for a holder that comes back */
	bool have_settle;
	int signal;
	bool have_signal;
	uint16_t lo, hi;
	bool have_range;
	enum ew_color_mode color;
};

/* A report of o's port and protocols; flags add EW_PORT_ALL_HOLDERS or EW_PORT_NO_HOLDERS. */
int port_build(const struct port_options *o, unsigned flags, struct ew_port_report **r);
/* The exit status a report means: 0 when a server could bind now (ew_port_can_bind). */
int port_exit_for(const struct ew_port_report *r, bool strict);
int port_fail(int err, const char *what);
double port_now(void);

int port_cmd_kill(const struct port_options *o);

#endif
