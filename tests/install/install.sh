#!/bin/sh
# install.sh: `meson install` of this build into a temporary DESTDIR, then what a user does
# next: build a program against it with pkg-config (shared, then static) and run it. Also
# checks that the install goes where the loader and pkg-config look by default. TAP output.
# Usage: install.sh BUILD_ROOT PREFIX LIBDIR SOURCE_DIR CC...
set -u
build=$1 prefix=$2 libdir=$3 src=$4
shift 4
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; [ -s "$tmp/log" ] && sed 's/^/# /' "$tmp/log"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
echo "1..7"

if meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$tmp/log" 2>&1 &&
	[ -f "$dest$libdir/pkgconfig/errwhy.pc" ]; then
	ok "meson install --destdir puts errwhy.pc in $libdir/pkgconfig"
else
	not_ok "meson install --destdir puts errwhy.pc in $libdir/pkgconfig"
	exit 1
fi

# As a user would, but pointed into DESTDIR: the sysroot prefixes every -I and -L.
export PKG_CONFIG_PATH="$dest$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
# shellcheck disable=SC2046 # pkg-config prints words on purpose
if "$@" -o "$tmp/shared" "$src/lookup.c" $(pkg-config --cflags --libs errwhy) >"$tmp/log" 2>&1 &&
	out=$(LD_LIBRARY_PATH="$dest$libdir" "$tmp/shared" 2>"$tmp/log") && [ "$out" = 98 ]; then
	ok "a program built with pkg-config --cflags --libs errwhy runs and finds EADDRINUSE = 98"
else
	not_ok "a program built with pkg-config --cflags --libs errwhy runs and finds EADDRINUSE = 98 (got '${out:-}')"
fi
if readelf -d "$tmp/shared" 2>/dev/null | grep -q 'NEEDED.*liberrwhy\.so'; then
	ok "it is linked against the shared liberrwhy"
else
	not_ok "it is linked against the shared liberrwhy"
fi

# Static: Requires.private (jansson) must be enough for a link of liberrwhy.a.
# shellcheck disable=SC2046
if "$@" -static -o "$tmp/static" "$src/lookup.c" $(pkg-config --static --cflags --libs errwhy) \
	>"$tmp/log" 2>&1 && out=$(env -u LD_LIBRARY_PATH "$tmp/static" 2>"$tmp/log") && [ "$out" = 98 ]; then
	ok "a -static program built with pkg-config --static runs and finds EADDRINUSE = 98"
else
	not_ok "a -static program built with pkg-config --static runs and finds EADDRINUSE = 98 (got '${out:-}')"
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
: >"$tmp/log"

# Where the loader and pkg-config look without being told: only a system prefix can be there.
case $prefix in
/usr | /usr/local) system=yes ;;
*) system= ;;
esac
# The loader: its own system dirs (ld.so --help) and those of ld.so.conf, includes expanded.
loader_dirs() {
	interp=$(readelf -lW /bin/sh | sed -n 's/.*interpreter: \([^]]*\)\]/\1/p')
	"$interp" --help 2>/dev/null | sed -n 's/^ *\(\/[^ ]*\) (system search path)$/\1/p'
	conf_dirs /etc/ld.so.conf
}
conf_dirs() {
	[ -f "$1" ] || return 0
	sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$1" | while read -r line; do
		case $line in
		include\ *)
			# shellcheck disable=SC2086 # the glob is the point
			for f in ${line#include }; do conf_dirs "$f"; done ;;
		/*) echo "$line" ;;
		esac
	done
}
if [ -z "$system" ]; then
	skip "the loader searches $libdir by default" "prefix $prefix is not /usr or /usr/local"
elif (cd /etc && loader_dirs) | grep -qx "$libdir"; then
	ok "the loader searches $libdir by default"
else
	(cd /etc && loader_dirs) | sed 's/^/# loader: /'
	not_ok "the loader searches $libdir by default"
fi
pc_path=$(pkg-config --variable pc_path pkg-config)
if [ -z "$system" ]; then
	skip "pkg-config searches $libdir/pkgconfig by default" "prefix $prefix is not /usr or /usr/local"
elif echo "$pc_path" | tr : '\n' | grep -qx "$libdir/pkgconfig"; then
	ok "pkg-config searches $libdir/pkgconfig by default"
else
	echo "# pc_path: $pc_path"
	not_ok "pkg-config searches $libdir/pkgconfig by default"
fi

# errwhy serve finds its server where the install put it: the place its --help names.
where=$("$dest$prefix/bin/errwhy" serve --help 2>/dev/null | tr '\n' ' ' |
	sed -n 's/.*looked for beside errwhy, then in \([^ ]*\)\. .*/\1/p')
if [ -n "$where" ] && [ -x "$dest$where/errwhy-serve" ]; then
	ok "meson install puts errwhy-serve in $where, where errwhy serve looks"
else
	not_ok "meson install puts errwhy-serve where errwhy serve looks (it names '${where}')"
fi
exit "$failed"
