#!/usr/bin/env bash
# path.sh: errwhy path's verdicts on real scenarios made in a scratch directory (and, as root, on
# tmpfs mounts in a private mount namespace), each one proved by pathop doing the real operation
# as the same user: the kernel must return the very errno errwhy names. Usage: path.sh ERRWHY
# PATHOP; ERRWHY "-" runs pathop's side alone (while errwhy path is being written).
errwhy=$1 pathop=$2

# As root, the whole script runs in a private mount namespace of its own, so its tmpfs mounts
# are seen by no one else and vanish with it. The outer namespace is passed on to tell the two
# apart (an inherited variable alone could lie).
outer_ns=$(readlink /proc/self/ns/mnt)
if [ "$(id -u)" = 0 ] && [ -z "${EW_PATH_OUTER_NS:-}" ] &&
	unshare -m --propagation private true 2>/dev/null; then
	EW_PATH_OUTER_NS=$outer_ns exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
. "$(dirname "$0")/tap.sh"

skip() { # skip DESCRIPTION REASON: a TAP skip, counted like a pass
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

root=false
[ "$(id -u)" = 0 ] && root=true
private_ns=false
[ -n "${EW_PATH_OUTER_NS:-}" ] && [ "$EW_PATH_OUTER_NS" != "$(readlink /proc/self/ns/mnt)" ] &&
	private_ns=true
with_errwhy=true
[ "$errwhy" = - ] && with_errwhy=false

# The scratch directory sits in /tmp itself, searchable by all, so that nobody can reach what
# the scenarios put there (mktemp's own 0700 would be the first EACCES of every one).
d=$(mktemp -d /tmp/errwhy-path.XXXXXX) || exit 1
chmod 0755 "$d"
mounts=() attrs=() app_pid=
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
	for f in "${attrs[@]}"; do chattr -i -a "$f" 2>/dev/null; done
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[i]}" 2>/dev/null; done
	rm -rf "$d" "$tmp"
}
trap cleanup EXIT
# A timeout's signal ends the script through its EXIT trap: no mount or scratch left behind.
trap 'exit 1' INT TERM HUP

json_get() { # json_get EXPR: a Python expression on the last JSON answer, read as d
	printf '%s' "$js" | python3 -c "import json,os,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null
}
# The component entry for path $P in the last answer, or {} when there is none.
entry='next((c for c in d["components"] if c["path"] == os.environ["P"]), {})'

# snapshot: every name under the scratch directory with its type, size, mode, owner and
# times of change: errwhy is to create, write, truncate and delete nothing.
snapshot() {
	find "$d" -printf '%p %y %s %m %U %G %T@ %C@\n' 2>/dev/null | sort
}

# shown PATH: a path as TAP lines show it: control bytes quoted, a long one cut to its start.
shown() {
	local p=$1
	[[ "$p" == *[[:cntrl:]]* ]] && p=$(printf '%q' "$p")
	[ "${#p}" -gt 100 ] && p="${p:0:60}...(${#1} bytes)"
	printf '%s' "$p"
}

# kernel OP PATH [USER] [DEST]: what the kernel says, through pathop, into $real.
kernel() {
	local as=()
	[ -n "$3" ] && as=(--as "$3")
	real=$("$pathop" "${as[@]}" "$1" "$2" ${4:+"$4"} 2>"$tmp/pathop.err")
	[ -z "$real" ] && real="(pathop failed: $(head -c 200 "$tmp/pathop.err"))"
}

# scenario DESC VERDICT COMPONENTS OP PATH [USER] [DEST]: errwhy path's answer, then the real
# operation. COMPONENTS is the |-separated list of acceptable "component" values, or "-" when
# it is not asserted. OP "rename" is asked as --rename-to DEST. The real operation comes last,
# as it changes the scratch files when it succeeds.
scenario() {
	local desc=$1 verdict=$2 comps=$3 op=$4 path=$5 user=$6 dest=$7 args=() want=1 shown_alts=
	[ "$verdict" = ok ] && want=0
	if [ "$op" = rename ]; then
		args=(--rename-to "$dest")
	elif [ "$op" != default ]; then
		args=(--for "$op")
	fi
	[ -n "$user" ] && args+=(--as "$user")
	if $with_errwhy; then
		local before
		before=$(snapshot)
		run "$errwhy" path "$path" "${args[@]}" --json
		js=$out
		expect "$desc: errwhy says $verdict, exit $want" \
			'[ "$status" = "$want" ] && [ "$(json_get "d[\"verdict\"]")" = "$verdict" ]'
		if [ "$comps" != - ]; then
			local c
			c=$(json_get 'd["component"]')
			local alts=() a
			IFS='|' read -ra alts <<<"$comps"
			for a in "${alts[@]}"; do shown_alts+="${shown_alts:+ or }$(shown "$a")"; done
			expect "$desc: the component is $shown_alts" '[[ "|$comps|" == *"|$c|"* ]]'
		fi
		local opname=$op uname=${user:-$(id -un)} uid
		[ "$op" = default ] && opname="read"
		uid=$(id -u "$uname")
		[ "$op" = rename ] ||
			expect "$desc: path, operation $opname and user $uname ($uid) echoed" \
				'[ "$(json_get "d[\"path\"]")" = "$path" ] &&
				 [ "$(json_get "d[\"operation\"]")" = "$opname" ] &&
				 [ "$(json_get "d[\"user\"][\"name\"], d[\"user\"][\"uid\"]")" = "$uname $uid" ]'
		expect "$desc: confirmed is a boolean and the reason is words" \
			'[ "$(json_get "type(d[\"confirmed\"]).__name__, len(d[\"reason\"]) > 0")" = "bool True" ]'
		run "$errwhy" path "$path" "${args[@]}"
		expect "$desc: the text answer has the verdict line '$verdict: ...', exit $want" \
			'[ "$status" = "$want" ] && printf "%s\n" "$out" | grep -q "^$verdict: "'
		expect "$desc: errwhy changed nothing in the scratch directory" \
			'[ "$(snapshot)" = "$before" ]'
	fi
	kernel "${op/default/read}" "$path" "$user" "$dest"
	echo "# pathop ${user:+--as $user }${op/default/read} $(shown "$path")${dest:+ $dest}: $real"
	expect "$desc: the real ${op/default/read}${user:+ as $user} gets $verdict" '[ "$real" = "$verdict" ]'
}

nobody_ok=true why_nobody=
if ! $root; then
	nobody_ok=false why_nobody="needs root to act as nobody"
elif ! id nobody >/dev/null 2>&1; then
	nobody_ok=false why_nobody="no user nobody here"
else
	kernel search "$d" nobody
	[ "$real" = ok ] || nobody_ok=false why_nobody="nobody cannot reach $d ($real)"
fi
# as_nobody DESC ...: a scenario judged for nobody, or its skip.
as_nobody() {
	if $nobody_ok; then
		scenario "$@"
	else
		skip "$1" "$why_nobody"
	fi
}

# ---- names: missing, near-missed, not directories, loops, too long ----
mkdir -p "$d/a" "$d/etc/default" "$d/dir"
scenario "a missing component" ENOENT "$d/a/missing" default "$d/a/missing/x/y"
scenario "a near-miss name" ENOENT "$d/etc/defualt" read "$d/etc/defualt"
$with_errwhy && expect "... and the reason suggests \"default\"" \
	'[[ "$(json_get "d[\"reason\"]")" == *default* ]]'
touch "$d/file"
scenario "a file used as a directory" ENOTDIR "$d/file" read "$d/file/x"
ln -s loop2 "$d/loop1"
ln -s loop1 "$d/loop2"
scenario "a symlink loop" ELOOP "$d/loop1|$d/loop2" read "$d/loop1/x"
long=$(printf 'n%.0s' $(seq 256))
scenario "a name of 256 bytes" ENAMETOOLONG "$d/$long" read "$d/$long"
scenario "a name of 255 bytes is not too long, only missing" ENOENT "$d/${long:1}" read "$d/${long:1}"
deep=$d$(printf '/d%.0s' $(seq 2100))
scenario "a path of $((${#deep} + 1)) bytes with its NUL (PATH_MAX $(getconf PATH_MAX /))" \
	ENAMETOOLONG - read "$deep"
# A hostile name: the text answer keeps its control bytes escaped, the JSON names it exactly.
evil=$d/$'evil\e]0;owned\a'
scenario "a missing name with control bytes" ENOENT "$evil" read "$evil"
$with_errwhy && expect "... is named, escaped, in the text answer" \
	'[[ "$out" == *evil* ]] && ! printf "%s" "$out" | grep -q $'"'"'[\033\007]'"'"

# ---- the target as it is ----
touch "$d/exists"
scenario "create on an existing file" EEXIST "$d/exists" create "$d/exists"
scenario "write on a directory" EISDIR "$d/dir" write "$d/dir"
scenario "create of a new name" ok - create "$d/new"
scenario "list a directory" ok - list "$d/etc"
cp /bin/true "$d/noxbit"
chmod 0644 "$d/noxbit"
scenario "exec of a file without any x bit (even root)" EACCES "$d/noxbit" exec "$d/noxbit"

# ---- permissions for nobody ----
mkdir "$d/priv"
chmod 0700 "$d/priv"
echo secret >"$d/priv/f"
as_nobody "a 0700 directory judged as nobody" EACCES "$d/priv" read "$d/priv/f" nobody
if $nobody_ok && $with_errwhy; then
	run "$errwhy" path "$d/priv/f" --as nobody --json
	js=$out
	expect "... as root the verdict is confirmed" '[ "$(json_get "d[\"confirmed\"]")" = True ]'
	expect "... and the directory's entry is a dir, 0700, owned by root:root, no ACL" \
		'[ "$(P="$d/priv" json_get "*[$entry.get(k) for k in (\"type\", \"mode\", \"owner\", \"group\", \"acl\")]")" = "dir 0700 root root False" ]'
fi
as_nobody "search of a 0700 directory as nobody" EACCES "$d/priv" search "$d/priv" nobody
as_nobody "list of a 0700 directory as nobody" EACCES "$d/priv" list "$d/priv" nobody
echo secret >"$d/secret"
chmod 0600 "$d/secret"
as_nobody "read of a 0600 file as nobody" EACCES "$d/secret" read "$d/secret" nobody
echo public >"$d/public"
chmod 0644 "$d/public"
as_nobody "write of a 0644 root file as nobody" EACCES "$d/public" write "$d/public" nobody
mkdir "$d/sticky"
chmod 1777 "$d/sticky"
touch "$d/sticky/f"
as_nobody "sticky directory: delete of root's file by nobody" EPERM "$d/sticky/f|$d/sticky" \
	delete "$d/sticky/f" nobody
# An ACL entry for nobody that the mode bits alone would not show (its group class allows read).
echo public >"$d/acl"
chmod 0644 "$d/acl"
if ! $nobody_ok; then
	skip "an ACL entry denying nobody" "$why_nobody"
elif ! command -v setfacl >/dev/null; then
	skip "an ACL entry denying nobody" "no setfacl here"
elif ! msg=$(setfacl -m u:nobody:--- "$d/acl" 2>&1); then
	skip "an ACL entry denying nobody" "setfacl fails on $(stat -fc %T "$d"): $msg"
else
	scenario "an ACL entry denying nobody" EACCES "$d/acl" read "$d/acl" nobody
	$with_errwhy && expect "... and its entry says it has an ACL" \
		'[ "$(P="$d/acl" json_get "$entry.get(\"acl\")")" = True ]'
fi
if [ -r /etc/hostname ]; then
	as_nobody "the ok case: nobody reads /etc/hostname" ok - default /etc/hostname nobody
else
	skip "the ok case: nobody reads /etc/hostname" "no /etc/hostname here"
fi

# ---- a running executable opened for write ----
# A copy of the shell that says "ready" once it runs, then waits on its stdin: the pipe, not a
# sleep, says the image is in use; closing its stdin ends it.
cp "$(readlink -f /bin/sh)" "$d/app"
coproc APP { exec "$d/app" -c 'echo ready; read -r x'; }
app_pid=$APP_PID app_in=${APP[1]}
read -r ready <&"${APP[0]}"
if [ "$ready" = ready ]; then
	scenario "write to a running executable" ETXTBSY "$d/app" write "$d/app"
	$with_errwhy && expect "... the reason names the process $app_pid" \
		'[[ "$(json_get "d[\"reason\"]")" =~ (^|[^0-9])$app_pid([^0-9]|$) ]]'
else
	skip "write to a running executable" "the copy of the shell did not start"
fi
eval "exec $app_in>&-"
wait "$app_pid"
app_pid=

# ---- attributes (ext4 and the like, as root) ----
touch "$d/imm" "$d/aonly"
fstype=$(stat -fc %T "$d")
if ! $root; then
	skip "an immutable file" "needs root (CAP_LINUX_IMMUTABLE)"
elif ! msg=$(chattr +i "$d/imm" 2>&1); then
	skip "an immutable file" "chattr +i fails on $fstype: $msg"
else
	attrs+=("$d/imm")
	scenario "an immutable file" EPERM "$d/imm" write "$d/imm"
	scenario "delete of an immutable file" EPERM "$d/imm" delete "$d/imm"
	if chattr +a "$d/aonly" 2>/dev/null; then
		attrs+=("$d/aonly")
		scenario "write (not O_APPEND) to an append-only file" EPERM "$d/aonly" write "$d/aonly"
	else
		skip "an append-only file" "chattr +a fails on $fstype"
	fi
fi

# ---- mounts, in this script's private mount namespace ----
# mount_tmpfs DIR OPTIONS: a tmpfs on a new directory of the scratch tree.
mount_tmpfs() {
	mkdir -p "$1" && mount -t tmpfs -o "$2" errwhy-test "$1" && mounts+=("$1")
}
mount_scenarios() {
	mount_tmpfs "$d/ro" size=1m,mode=0755 && touch "$d/ro/f" && mount -o remount,ro "$d/ro" ||
		return
	scenario "a read-only tmpfs: write" EROFS "$d/ro/f|$d/ro" write "$d/ro/f"
	if $with_errwhy; then
		run "$errwhy" path "$d/ro/f" --for write --json
		js=$out
		expect "... its entry lives on the tmpfs at $d/ro, with ro in the options" \
			'[ "$(P="$d/ro/f" json_get "$entry[\"mount\"][\"target\"], $entry[\"mount\"][\"fstype\"], \"ro\" in $entry[\"mount\"][\"options\"]")" = "$d/ro tmpfs True" ]'
	fi
	scenario "a read-only tmpfs: create" EROFS "$d/ro/new|$d/ro" create "$d/ro/new"

	# Full by bytes: an empty file there cannot grow by a block (the open alone succeeds).
	mount_tmpfs "$d/full" size=64k,mode=0755 && touch "$d/full/f" || return
	dd if=/dev/zero of="$d/full/fill" bs=4096 2>/dev/null
	echo "# $d/full: $(df -B1 --output=avail "$d/full" | tail -n1) bytes left"
	scenario "a full tiny tmpfs: write" ENOSPC "$d/full/f|$d/full" write "$d/full/f"
	scenario "a full tiny tmpfs: read is still fine" ok - read "$d/full/f"

	# Out of inodes: nr_inodes counts the root directory too; files until the kernel refuses.
	mount_tmpfs "$d/inodes" size=1m,nr_inodes=8,mode=0755 || return
	for k in $(seq 20); do { : >"$d/inodes/i$k"; } 2>/dev/null || break; done
	echo "# $d/inodes: $(df --output=iavail "$d/inodes" | tail -n1) inodes left"
	scenario "a tmpfs with no inodes left: create" ENOSPC "$d/inodes/new|$d/inodes" \
		create "$d/inodes/new"
	scenario "a tmpfs with no inodes left: write to an existing file" ok - write "$d/inodes/i1"

	mount_tmpfs "$d/noexec" size=4m,mode=0755,noexec || return
	cp /bin/true "$d/noexec/true"
	cp /bin/true "$d/true"
	chmod 0755 "$d/noexec/true" "$d/true"
	scenario "an executable on a noexec tmpfs" EACCES "$d/noexec/true|$d/noexec" exec "$d/noexec/true"
	if $with_errwhy; then
		run "$errwhy" path "$d/noexec/true" --for exec --json
		js=$out
		expect "... its entry's mount options have noexec" \
			'[ "$(P="$d/noexec/true" json_get "\"noexec\" in $entry[\"mount\"][\"options\"]")" = True ]'
	fi
	scenario "the same executable elsewhere" ok - exec "$d/true"

	mount_tmpfs "$d/m1" size=1m,mode=0755 && mount_tmpfs "$d/m2" size=1m,mode=0755 || return
	touch "$d/m1/f"
	scenario "a rename across two tmpfs mounts" EXDEV "$d/m1/f|$d/m2/f|$d/m1|$d/m2" \
		rename "$d/m1/f" "" "$d/m2/f"
	scenario "a rename within one" ok - rename "$d/m1/f" "" "$d/m1/g"
	[ -e "$d/m1/g" ] && mv "$d/m1/g" "$d/m1/f"

	mount_tmpfs "$d/mnt" size=1m,mode=0755 || return
	scenario "delete of a mount point" EBUSY "$d/mnt" delete "$d/mnt"
	mount_ok=true
}

# The root reserve: a small ext4 image with 20% of its blocks reserved for root, filled by
# nobody until the kernel refuses; nobody then cannot write a block, root still can.
reserve_scenarios() {
	local img=$d/ext4.img mnt=$d/ext4 msg
	if ! $nobody_ok; then
		skip "the root reserve on ext4" "$why_nobody"
		return
	elif ! command -v mkfs.ext4 >/dev/null; then
		skip "the root reserve on ext4" "no mkfs.ext4 here"
		return
	fi
	if ! msg=$(truncate -s 8M "$img" && mkfs.ext4 -q -F -m 20 -O ^has_journal "$img" 2>&1 &&
		mkdir "$mnt"); then
		skip "the root reserve on ext4" "no ext4 image could be made: $msg"
		return
	fi
	if ! msg=$(mount -o loop "$img" "$mnt" 2>&1); then
		skip "the root reserve on ext4" "a loop mount of an ext4 image fails: $msg"
		return
	fi
	mounts+=("$mnt")
	mkdir "$mnt/pub" && chown nobody: "$mnt/pub" && touch "$mnt/pub/f" && chown nobody: "$mnt/pub/f"
	# ext4 holds back room for delayed allocation until the data is written out: passes with
	# smaller blocks after a sync take what is left, until nothing is available to nobody.
	local k=0 bs
	for bs in 64k 4k 1k; do
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
			dd if=/dev/zero of="$mnt/pub/fill$((k += 1))" bs=$bs 2>/dev/null
		sync -f "$mnt"
		[ "$(stat -fc %a "$mnt")" = 0 ] && break
	done
	echo "# $mnt: $(df -B1 --output=avail "$mnt" | tail -n1) bytes available to nobody," \
		"$(stat -fc '%f blocks of %S bytes free' "$mnt") in all"
	scenario "the root reserve: nobody's write on a full ext4" ENOSPC "$mnt/pub/f|$mnt" \
		write "$mnt/pub/f" nobody
	$with_errwhy && expect "... and the reason speaks of the blocks reserved for root" \
		'[[ "$(json_get "d[\"reason\"]")" == *reserve* ]]'
	scenario "the root reserve: root's write on it" ok - write "$mnt/pub/f"
}
if ! $root; then
	skip "the tmpfs scenarios" "need root (mount)"
elif ! $private_ns; then
	skip "the tmpfs scenarios" "unshare -m --propagation private failed: no private mount namespace"
else
	mount_ok=false
	mount_scenarios
	expect "every tmpfs was mounted" '$mount_ok'
	reserve_scenarios
fi

# ---- the command line ----
if $with_errwhy; then
	for bad in "--for frobnicate" "--for" "--as" "--rename-to" "--json --bogus"; do
		# shellcheck disable=SC2086 # the options are words on purpose
		run "$errwhy" path "$d/file" $bad
		expect "'errwhy path PATH $bad' is a usage error: exit 2 and a message" \
			'[ "$status" = 2 ] && [ -n "$err" ]'
	done
	run "$errwhy" path
	expect "'errwhy path' without PATH: exit 2 and a message" '[ "$status" = 2 ] && [ -n "$err" ]'
	run "$errwhy" path "$d/file" --as no-such-user-errwhy
	expect "an unknown user for --as: exit 2, named in the message, nothing on stdout" \
		'[ "$status" = 2 ] && [[ "$err" == *no-such-user-errwhy* ]] && [ -z "$out" ]'
	run "$errwhy" path "$d/file" --as 65534
	expect "--as takes a uid too" \
		'[ "$status" = 0 ] || [ "$status" = 1 ]'
fi

done_testing
