#!/bin/sh
# netns.sh: runs one port test in a network namespace of its own, with only its loopback up,
# so that no socket of a test running beside it can take a port number it drew. Where that
# is not possible (not root, no unshare or ip), it runs the test as it is, and the tests draw
# again when a number is taken. Usage: netns.sh TEST ARGS...
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null &&
	unshare --net true 2>/dev/null; then
	exec unshare --net -- sh -c 'ip link set lo up && exec "$@"' netns.sh "$@"
fi
echo "# netns.sh: no private network namespace here; running in the shared one" >&2
exec "$@"
