#!/bin/sh
# Prints, as C macro calls, every name this system's headers define for the catalog's families:
#   EW_NAME(errno, EPERM)                      a name with a number of its own
#   EW_NAME_ALIAS(errno, EWOULDBLOCK, EAGAIN)  another name for the same number
# from <errno.h>, <signal.h>, <netdb.h> (with _GNU_SOURCE: glibc's EAI_* extensions) and
# <sysexits.h>. As systemd does, the lists come from the preprocessor, so the catalog is checked
# against what the system really has. SIGRTMIN and SIGRTMAX are functions in glibc, not numbers:
# catalogc reads them itself. Usage: sys-names.sh CC [CC-ARGS...]
set -eu
# $1 family, $2 the source to preprocess, $3 the names' pattern; the compiler is "$@" after.
names() {
	family=$1 source=$2 re=$3
	shift 3
	printf '%b' "$source" | "$@" -dM -E - | awk -v family="$family" -v re="$re" '
		$1 == "#define" && $2 ~ re {
			if ($3 ~ /^-?[0-9]+$/) print "EW_NAME(" family ", " $2 ")";
			else if ($3 ~ re) print "EW_NAME_ALIAS(" family ", " $2 ", " $3 ")";
		}' | LC_ALL=C sort
}
names errno '#include <errno.h>\n' '^E[A-Z0-9]+$' "$@"
# SIGSTKSZ is a stack size, not a signal.
names signal '#include <signal.h>\n' '^SIG[A-Z0-9]+$' "$@" | grep -v SIGSTKSZ
names resolver '#define _GNU_SOURCE 1\n#include <netdb.h>\n' '^EAI_[A-Z_]+$' "$@"
# EX_OK is success and EX__BASE / EX__MAX mark the range: none of them is an exit entry.
names exit '#include <sysexits.h>\n' '^EX_[A-Z]+$' "$@" | grep -v 'EX_OK'
