#!/usr/bin/env bash
# A throwaway ejabberd (Debian's 23.01 package) for interop tests and the
# benchmark: everything in one directory, c2s on 127.0.0.1 only, no s2s,
# no HTTP, its own Erlang node name, cookie and distribution port (no
# epmd), so it never meets the system node (ejabberd@localhost).
#
#   tests/interop/ejabberd.sh DIR PORT [USER PASS]...
#
# Writes DIR/ejabberd.yml, DIR/ejabberdctl.cfg and a self-signed
# certificate for "localhost" (DIR/certs/localhost.crt), keeps Mnesia in
# DIR/spool and logs in DIR/logs (ejabberd.log, error.log). Registers the
# accounts USER@localhost, then replaces itself with the Erlang VM in the
# foreground (exec), so the PID of this script is beam.smp's: stop it with
# SIGTERM (the VM shuts down cleanly), or with
#   ejabberdctl --config-dir DIR --spool DIR/spool --logs DIR/logs --node NODE stop
# (NODE is in DIR/node). The port accepts connections only once the
# accounts exist, so wait for it before starting a client; this takes some
# seconds (ejabberd boots twice: first without listeners, to register).
#
# The distribution port, for ejabberdctl, is PORT+1 on 127.0.0.1
# (EJABBERD_DIST_PORT to change it).
#
# Needs root or the ejabberd user: Debian's ejabberdctl, run as root,
# always drops to the "ejabberd" user (su), so DIR is handed to that user
# and must be reachable by it (its parent directories need o+x). The
# server itself runs as "ejabberd" too.
#
# c2s offers STARTTLS without requiring it, and SASL SCRAM-SHA-1 and PLAIN
# (salted SHA-1 SCRAM hashes on disk, as tests/interop/prosody.sh), also
# over plain TCP. No traffic shaper, no session limit: it is for load tests.
set -euo pipefail

if [ $# -lt 2 ] || [ $(($# % 2)) -ne 0 ]; then
  echo "usage: $0 DIR PORT [USER PASS]..." >&2
  exit 2
fi
command -v ejabberdctl > /dev/null || {
  echo "$0: ejabberdctl not found (apt-get install --no-install-recommends ejabberd)" >&2
  exit 1
}
dir=$1 port=$2
shift 2
dist_port=${EJABBERD_DIST_PORT:-$((port + 1))}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/certs" "$dir/spool" "$dir/logs"

run_as=()
case $(id -un) in
  root)
    run_as=(setpriv --reuid=ejabberd --regid=ejabberd --init-groups)
    chown -R ejabberd:ejabberd "$dir"
    if ! "${run_as[@]}" test -w "$dir/spool" -a -r "$dir"; then
      echo "$0: user ejabberd cannot reach $dir (give its parents o+x)" >&2
      exit 1
    fi
    ;;
  ejabberd) ;;
  *)
    echo "$0: Debian's ejabberdctl runs only as root or as ejabberd" >&2
    exit 1
    ;;
esac

if [ ! -s "$dir/certs/localhost.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost \
    -keyout "$dir/certs/localhost.key" -out "$dir/certs/localhost.crt" 2>/dev/null
  cat "$dir/certs/localhost.crt" "$dir/certs/localhost.key" > "$dir/certs/localhost.pem"
fi

# A node name of our own (-sname: no dot), and a cookie of our own (the
# default would be ~ejabberd/.erlang.cookie, the system node's).
node="netlab$port@localhost"
echo "$node" > "$dir/node"
[ -s "$dir/cookie" ] || (umask 077 && openssl rand -hex 16 > "$dir/cookie")
cookie=$(cat "$dir/cookie")

# Read by ejabberdctl (--config-dir DIR) for every command, server or client.
# ERL_DIST_PORT: the node listens there and ejabberdctl's clients connect
# there directly; no epmd is started or asked.
(umask 077 && : > "$dir/ejabberdctl.cfg")
cat > "$dir/ejabberdctl.cfg" <<EOF
# Throwaway ejabberd for netlab (written by $0).
ERL_OPTIONS="-setcookie $cookie -env ERL_CRASH_DUMP_BYTES 0 -kernel inet_dist_use_interface {127,0,0,1}"
ERL_DIST_PORT=$dist_port
ERL_MAX_PORTS=32000
CONTRIB_MODULES_PATH=$dir/modules
CONTRIB_MODULES_CONF_DIR=$dir/modules.d
EJABBERD_BYPASS_WARNINGS=true
EOF
printf '%s\n' '{lookup,["file","native"]}.' '{host,{127,0,0,1}, ["localhost"]}.' > "$dir/inetrc"

config() { # listen: yes|no
  cat <<EOF
# Throwaway ejabberd for netlab (written by $0).
hosts:
  - localhost
loglevel: info
log_rotate_count: 0
certfiles:
  - "$dir/certs/localhost.pem"
acme:
  auto: false
EOF
  if [ "$1" = yes ]; then
    cat <<EOF
# c2s on one loopback port; no direct-TLS port, no s2s, no HTTP.
listen:
  -
    port: $port
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: true
    starttls_required: false
    shaper: none
    access: c2s
    max_stanza_size: 262144
    max_fsm_queue: 100000
EOF
  else
    echo "listen: []"
  fi
  cat <<EOF
auth_method: internal
# Salted SCRAM-SHA-1 hashes on disk: SCRAM-SHA-1 and PLAIN are offered
# (and X-OAUTH2, unless disabled).
auth_password_format: scram
disable_sasl_mechanisms:
  - X-OAUTH2
s2s_access: none
acl:
  local:
    user_regexp: ""
access_rules:
  c2s:
    allow: all
  local:
    allow: local
shaper_rules:
  max_user_sessions: 100000
  c2s_shaper: none
max_fsm_queue: 100000
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
modules:
  mod_disco: {}
  mod_ping: {}
  mod_roster: {}
EOF
}
config no > "$dir/setup.yml"
config yes > "$dir/ejabberd.yml"
[ -z "${run_as[*]}" ] || chown -R ejabberd:ejabberd "$dir"

ctl=(ejabberdctl --config-dir "$dir" --spool "$dir/spool" --logs "$dir/logs" --node "$node")

# First boot, without listeners: register the accounts (ejabberdctl needs a
# running node for that), then stop.
if [ $# -gt 0 ]; then
  # Do not leave that detached node behind if we are stopped meanwhile.
  trap '"${ctl[@]}" stop > /dev/null 2>&1 || true' EXIT
  trap 'exit 1' INT TERM
  "${ctl[@]}" --config "$dir/setup.yml" start
  "${ctl[@]}" started
  while [ $# -gt 0 ]; do
    # An account left from an earlier run is made again, with this password
    # (change_password would need mod_admin_extra).
    if ! "${ctl[@]}" register "$1" localhost "$2" > /dev/null 2>&1; then
      "${ctl[@]}" unregister "$1" localhost
      "${ctl[@]}" register "$1" localhost "$2" > /dev/null
    fi
    shift 2
  done
  "${ctl[@]}" stop > /dev/null
  "${ctl[@]}" stopped
  trap - EXIT INT TERM
fi

# Then the server in the foreground: what `ejabberdctl foreground-quiet`
# runs (logs go to DIR/logs only, not also to the console),
# but exec'd (ejabberdctl forks erl under `su`, so its PID would not be
# the VM's). erl execs erlexec, which execs beam.smp.
erl_libs=$(sed -n "s/^ERL_LIBS='\(.*\)'$/\1/p" "$(command -v ejabberdctl)")
cd "$dir/spool"
exec "${run_as[@]}" env \
  HOME="$dir" \
  ERL_LIBS="${erl_libs:-/usr/lib/$(uname -m)-linux-gnu}" \
  EJABBERD_CONFIG_PATH="$dir/ejabberd.yml" \
  EJABBERD_LOG_PATH="$dir/logs/ejabberd.log" \
  ERL_CRASH_DUMP="$dir/logs/erl_crash.dump" \
  ERL_INETRC="$dir/inetrc" \
  ERL_MAX_PORTS=32000 \
  ERL_MAX_ETS_TABLES=1400 \
  CONTRIB_MODULES_PATH="$dir/modules" \
  CONTRIB_MODULES_CONF_DIR="$dir/modules.d" \
  erl -sname "$node" +K true +P 250000 \
  -setcookie "$cookie" -env ERL_CRASH_DUMP_BYTES 0 \
  -kernel inet_dist_use_interface '{127,0,0,1}' \
  -erl_epmd_port "$dist_port" -start_epmd false \
  -mnesia dir "\"$dir/spool\"" -s ejabberd -noinput -ejabberd quiet true
