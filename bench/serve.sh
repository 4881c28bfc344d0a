#!/usr/bin/env bash
# bench/serve.sh: errwhy serve against nginx serving the same page from the `errwhy site`
# export, on loopback, one after the other: wrk -t2 -c100 -d10s each (DURATION overrides),
# on /errno/EADDRINUSE and /errno/EADDRINUSE.html. Prints both rates and errwhy/nginx.
# Usage: [DURATION=10s] [ROUNDS=1] bench/serve.sh [BUILD_DIR] (default build).
# Needs wrk and nginx (Debian nginx-light). Target and figures: bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
errwhy=${ERRWHY:-$(cd "$build" 2>/dev/null && pwd)/src/errwhy}
duration=${DURATION:-10s}
rounds=${ROUNDS:-1}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for tool in wrk "$nginx"; do
	command -v "$tool" >/dev/null || { echo "serve.sh: needs $tool" >&2; exit 2; }
done
[ -x "$errwhy" ] || { echo "serve.sh: no $errwhy; build first" >&2; exit 2; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
serve_pid='' nginx_pid=''
cleanup() {
	for p in $serve_pid $nginx_pid; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$errwhy" site "$tmp/site" >/dev/null
[ -s "$tmp/site/errno/EADDRINUSE.html" ] || { echo "serve.sh: no page in the export" >&2; exit 3; }

# nginx as it is usually tuned for static files, running as this user, everything in $tmp.
nport=$("$errwhy" port --free --range 20000-30000)
user=
[ "$(id -u)" = 0 ] && user="user root root;"
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx.conf" <<CONF
$user
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
	types { text/html html; text/css css; application/javascript js; }
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	server {
		listen 127.0.0.1:$nport;
		root $tmp/site;
		charset utf-8;
	}
}
CONF
"$nginx" -c "$tmp/nginx.conf" -p "$tmp/nginx" &
nginx_pid=$!

# wrk's 100 connections come from one address: the per-address limit must admit them.
"$errwhy" serve --listen 127.0.0.1:0 2>"$tmp/serve.err" &
serve_pid=$!
sport=
for _ in $(seq 600); do
	sport=$(sed -n 's|^errwhy serve: http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$tmp/serve.err")
	[ -n "$sport" ] && break
	sleep 0.1
done
[ -n "$sport" ] || { echo "serve.sh: errwhy serve did not start" >&2; cat "$tmp/serve.err" >&2; exit 3; }
for _ in $(seq 100); do
	curl -sf -o /dev/null "http://127.0.0.1:$nport/errno/EADDRINUSE.html" 2>/dev/null && break
	sleep 0.1
done

surl="http://127.0.0.1:$sport/errno/EADDRINUSE"
nurl="http://127.0.0.1:$nport/errno/EADDRINUSE.html"
echo "# $(uname -sr), $(nproc) CPUs, $("$nginx" -v 2>&1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "# page: errwhy $(curl -s "$surl" | wc -c) bytes, nginx $(curl -s "$nurl" | wc -c) bytes"

# Requests/sec of one wrk run; fails on socket errors or non-2xx answers.
rate() {
	local out
	out=$(wrk -t2 -c100 -d"$duration" --timeout 30s "$@")
	if grep -qE 'Socket errors|Non-2xx' <<<"$out"; then
		echo "serve.sh: wrk reported errors:" >&2
		echo "$out" >&2
		return 1
	fi
	awk '/^Requests\/sec/ {print $2}' <<<"$out"
}

printf '%-6s %12s %12s %7s %14s %s\n' round errwhy nginx ratio "errwhy gzip" load
for round in $(seq "$rounds"); do
	e=$(rate "$surl")
	n=$(rate "$nurl")
	g=$(rate -H 'Accept-Encoding: gzip' "$surl")
	printf '%-6s %12s %12s %6.2fx %14s %s\n' "$round" "$e" "$n" \
		"$(awk -v e="$e" -v n="$n" 'BEGIN {print e / n}')" "$g" "$(cut -d' ' -f1 /proc/loadavg)"
done
echo "(requests per second of the identity page; ratio: errwhy / nginx, target >= 0.8;"
echo " errwhy gzip: its precompressed twin, which nginx, compressing per request or not at"
echo " all, has no counterpart to)"
