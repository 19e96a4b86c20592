#!/usr/bin/env bash
# Start (or find running) the real remote proof cache used by the proofs-cache tests:
# Debian's nginx with the WebDAV module (PUT/DELETE, create_full_put_path) on loopback.
#
#   bash .ci/start-cache-server.sh          start, idempotent (a running instance is reused)
#   bash .ci/start-cache-server.sh --stop   stop the instance of ANRF_CACHE_SERVER_DIR
#
# Three listeners share the layout <base>/ac/<key>, <base>/cas/<sha256>, each with its own root:
#   :PORT     open                         root $DIR/root/open
#   :PORT+1   basic auth (htpasswd)        root $DIR/root/basic
#   :PORT+2   bearer token                 root $DIR/root/bearer
# Settings (env): ANRF_CACHE_SERVER_DIR (/tmp/anrf-cache-server), ANRF_CACHE_SERVER_PORT (18080),
# ANRF_TEST_REMOTE_USER/ANRF_TEST_REMOTE_PASSWORD (anrf/anrf-test-password),
# ANRF_TEST_REMOTE_TOKEN (anrf-test-token). Test-only credentials on 127.0.0.1.
set -euo pipefail

DIR="${ANRF_CACHE_SERVER_DIR:-/tmp/anrf-cache-server}"
PORT="${ANRF_CACHE_SERVER_PORT:-18080}"
USER_NAME="${ANRF_TEST_REMOTE_USER:-anrf}"
PASSWORD="${ANRF_TEST_REMOTE_PASSWORD:-anrf-test-password}"
TOKEN="${ANRF_TEST_REMOTE_TOKEN:-anrf-test-token}"
PIDFILE="$DIR/nginx.pid"

log() { printf 'start-cache-server: %s\n' "$*" >&2; }

running() { [[ -s "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

answers() {
  local code
  code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PORT/ac/0000000000000000000000000000000000000000000000000000000000000000" || true)"
  [[ "$code" == "404" || "$code" == "200" ]]
}

if [[ "${1:-}" == "--stop" ]]; then
  if running; then
    pid="$(cat "$PIDFILE")"
    kill -QUIT "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    log "stopped nginx $pid ($DIR)"
  else
    log "not running ($DIR)"
  fi
  exit 0
fi

# Serialise concurrent starts (e.g. two test workers finding the server down at once).
mkdir -p "$DIR"
if command -v flock >/dev/null; then
  exec 9>"$DIR/.start.lock"
  flock -w 60 9
fi

if running && answers; then
  log "already running on http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"), root $DIR/root)"
  exit 0
fi

# Debian 12's `nginx` package is built --with-http_dav_module (PUT/DELETE/MKCOL); nginx-light
# only adds the echo module on top, so plain `nginx` is the smallest package that works.
# Exit 3: nginx is not installed (the caller says how to get it).
NGINX="$(command -v nginx || true)"
[[ -z "$NGINX" && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z "$NGINX" ]]; then
  # Never installs anything itself: .ci/run installs nginx (apt-get) before calling this script.
  log "error: nginx is not installed. Install Debian's nginx (it has the WebDAV module):"
  log "         sudo apt-get install --no-install-recommends nginx"
  log "       then run: bash .ci/start-cache-server.sh"
  exit 3
fi
if ! "$NGINX" -V 2>&1 | grep -q -- '--with-http_dav_module'; then
  log "error: $NGINX lacks the WebDAV module (need Debian's nginx package)"
  exit 2
fi
command -v openssl >/dev/null || { log "error: openssl is needed to write the htpasswd file"; exit 2; }

mkdir -p "$DIR"/root/{open,basic,bearer} "$DIR"/tmp/{body,proxy,fastcgi,uwsgi,scgi} "$DIR"/logs
printf '%s:%s\n' "$USER_NAME" "$(openssl passwd -apr1 "$PASSWORD")" >"$DIR/htpasswd"

# As root, workers would otherwise run as nobody and could not write into roots that the tests
# (also root) create; this is a loopback-only test fixture.
USER_LINE=""
[[ "$(id -u)" == "0" ]] && USER_LINE="user root root;"

dav_block() {
  cat <<DAV
    root $DIR/root/$1;
    client_max_body_size 64m;
    client_body_temp_path $DIR/tmp/body;
    dav_methods PUT DELETE;
    create_full_put_path on;
    dav_access user:rw group:rw all:r;
    location / { limit_except GET HEAD PUT DELETE { deny all; } }
DAV
}

cat >"$DIR/nginx.conf" <<CONF
$USER_LINE
worker_processes 1;
daemon on;
pid $PIDFILE;
error_log $DIR/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log $DIR/logs/access.log;
  proxy_temp_path $DIR/tmp/proxy;
  fastcgi_temp_path $DIR/tmp/fastcgi;
  uwsgi_temp_path $DIR/tmp/uwsgi;
  scgi_temp_path $DIR/tmp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$PORT;
$(dav_block open)
  }
  server {
    listen 127.0.0.1:$((PORT + 1));
    auth_basic "anrf proof cache";
    auth_basic_user_file $DIR/htpasswd;
$(dav_block basic)
  }
  server {
    listen 127.0.0.1:$((PORT + 2));
    if (\$http_authorization != "Bearer $TOKEN") { return 401; }
$(dav_block bearer)
  }
}
CONF

if running; then
  log "nginx $(cat "$PIDFILE") is running but not answering; restarting it"
  kill -QUIT "$(cat "$PIDFILE")" || true
  sleep 0.5
fi
"$NGINX" -t -q -e "$DIR/logs/error.log" -p "$DIR" -c "$DIR/nginx.conf"
# 9>&- : the daemon must not inherit (and hold forever) the start lock
"$NGINX" -e "$DIR/logs/error.log" -p "$DIR" -c "$DIR/nginx.conf" 9>&-

for _ in $(seq 1 50); do
  if answers; then
    # Prove that PUT really works before declaring success.
    probe="$DIR/root/open/cas/probe"
    curl -sf -o /dev/null -X PUT --data-binary 'probe' "http://127.0.0.1:$PORT/cas/probe" || { log "error: PUT refused"; exit 2; }
    [[ "$(cat "$probe")" == "probe" ]] || { log "error: PUT did not store the body"; exit 2; }
    rm -f "$probe"
    log "nginx WebDAV cache on http://127.0.0.1:$PORT (basic auth :$((PORT + 1)), bearer :$((PORT + 2))), root $DIR/root, pid $(cat "$PIDFILE")"
    exit 0
  fi
  sleep 0.1
done
log "error: nginx did not answer on 127.0.0.1:$PORT; see $DIR/logs/error.log"
exit 2
