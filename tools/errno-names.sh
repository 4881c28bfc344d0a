#!/bin/sh
# Prints, as C macro calls, every errno name that this system's <errno.h> defines:
# EW_ERRNO(EPERM) for a number of its own, EW_ERRNO_ALIAS(EWOULDBLOCK, EAGAIN) for another
# name of the same number. Usage: errno-names.sh CC [CC-ARGS...]   (as systemd does, the list
# comes from the preprocessor, so the catalog is checked against what the system really has)
set -eu
printf '#include <errno.h>\n' | "$@" -dM -E - |
	awk '$1 == "#define" && $2 ~ /^E[A-Z0-9]+$/ {
		if ($3 ~ /^[0-9]+$/) print "EW_ERRNO(" $2 ")";
		else if ($3 ~ /^E[A-Z0-9]+$/) print "EW_ERRNO_ALIAS(" $2 ", " $3 ")";
	}' | LC_ALL=C sort
