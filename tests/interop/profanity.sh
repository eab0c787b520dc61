#!/usr/bin/env bash
# Profanity, a terminal XMPP client we did not write, driven headless under
# tmux: connect to a server, send one message, check what the screen shows.
#
#   tests/interop/profanity.sh HOST PORT USER PASS PEER [EXPECT]
#
# USER and PEER are local parts ("a") or bare JIDs ("a@localhost"); local
# parts get @$PROF_DOMAIN (default localhost). Steps, each printed as "ok: ...":
#   1. start Profanity in a private tmux server with a throwaway HOME;
#   2. /connect USER@DOMAIN server HOST port PORT tls $PROF_TLS, answer the
#      password prompt, wait for "logged in successfully";
#   3. /msg PEER "$PROF_MESSAGE", wait for our own line "me: ..." in the chat
#      window;
#   4. if EXPECT is given, wait until that text shows on the screen (a reply
#      from the peer, e.g. "echo: hello from profanity" from slixmpp_echo.py);
#   5. with PROF_CUT=1, Profanity reaches the server through a socat relay
#      that is then killed (every connection through it cut), and started
#      again a second later: Profanity must reconnect by itself (stream
#      management lets it resume), and a second message must get its reply
#      ("$EXPECT after the cut" when EXPECT is "echo: $PROF_MESSAGE").
# Exits 0 when all steps passed; otherwise prints FAIL and the screen, exits 1.
#
# Environment: PROF_DOMAIN (localhost), PROF_TLS (trust: STARTTLS required,
# certificate not checked; allow, force, disable, legacy also work),
# PROF_MESSAGE ("hello from profanity"), PROF_TIMEOUT (20 seconds per wait),
# PROF_KEEP=1 keeps the temp HOME with Profanity's debug log, PROF_CUT=1
# (needs socat) cuts the connection once, as step 5 says.
set -euo pipefail

if [ $# -lt 5 ] || [ $# -gt 6 ]; then
  echo "usage: $0 HOST PORT USER PASS PEER [EXPECT]" >&2
  exit 2
fi
host=$1 port=$2 user=$3 pass=$4 peer=$5 expect=${6:-}
domain=${PROF_DOMAIN:-localhost}
tls=${PROF_TLS:-trust}
message=${PROF_MESSAGE:-hello from profanity}
timeout=${PROF_TIMEOUT:-20}
[[ $user == *@* ]] || user="$user@$domain"
[[ $peer == *@* ]] || peer="$peer@$domain"

command -v profanity >/dev/null || { echo "FAIL: profanity is not installed"; exit 1; }
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed"; exit 1; }

# Profanity keeps accounts, logs and databases under $HOME (XDG paths):
# a fresh HOME per run means no account left from an earlier run. A private
# tmux socket (-L) keeps us away from anyone else's tmux server.
home=$(mktemp -d "${TMPDIR:-/tmp}/netlab-profanity.XXXXXX")
sock="netlab-profanity-$$"
tm() { tmux -L "$sock" "$@"; }
cleanup() {
  tm kill-server 2>/dev/null || true
  if [ "${PROF_KEEP:-0}" = 1 ]; then
    echo "kept: $home (debug log in data/profanity/logs/profanity.log)"
  else
    rm -rf "$home"
  fi
}
relay_pid=
relay() {
  # setsid: socat and the children it forks for each connection form one
  # process group, which `cut` ends at once — only processes we started.
  setsid socat "TCP-LISTEN:$relay_port,bind=127.0.0.1,reuseaddr,fork" "TCP:$host:$port" &
  relay_pid=$!
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$relay_port") 2>/dev/null && return 0
    sleep 0.1
  done
  fail "the relay did not start"
}
cut() { [ -n "$relay_pid" ] && kill -- "-$relay_pid" 2>/dev/null; wait "$relay_pid" 2>/dev/null || true; relay_pid=; }
trap 'cut; cleanup' EXIT

screen() { tm capture-pane -p -J -t prof -S -200 2>/dev/null || true; }
fail() {
  echo "FAIL: $*"
  echo "--- screen (last 25 lines) ---"
  screen | sed 's/[[:space:]]*$//; /^$/d' | tail -25
  exit 1
}
# wait_for TEXT [BAD]: until the screen shows TEXT (fixed string), or BAD.
wait_for() {
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    local now
    now=$(screen)
    if grep -qF -- "$1" <<<"$now"; then return 0; fi
    if [ -n "${2:-}" ] && grep -qF -- "$2" <<<"$now"; then fail "screen shows \"$2\""; fi
    sleep 0.2
  done
  fail "no \"$1\" on the screen after $timeout s"
}
# type TEXT: literal keys (-l), so words like "Enter" are not key names.
type_line() { tm send-keys -t prof -l -- "$1"; tm send-keys -t prof Enter; }

started=$SECONDS
tm new-session -d -s prof -x 200 -y 50 \
  env HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
  profanity -l DEBUG
wait_for "Type '/help'"
echo "ok: profanity $(profanity --version | head -1 | sed 's/.*version //') started under tmux"

connect_host=$host connect_port=$port
if [ "${PROF_CUT:-0}" = 1 ]; then
  command -v socat >/dev/null || { echo "FAIL: PROF_CUT needs socat"; exit 1; }
  relay_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  relay
  connect_host=127.0.0.1 connect_port=$relay_port
  # Reconnect one second after a connection is lost (default 30).
  type_line "/reconnect 1"
fi
type_line "/connect $user server $connect_host port $connect_port tls $tls"
wait_for "Enter password:" "Login failed"
type_line "$pass"
wait_for "logged in successfully" "Login failed"
echo "ok: $(screen | grep -F 'logged in successfully' | tail -1 | sed 's/^[0-9:]* - //; s/[[:space:]]*$//')"

type_line "/msg $peer $message"
wait_for "me: $message" "Login failed"
echo "ok: sent \"$message\" to $peer"

if [ -n "$expect" ]; then
  wait_for "$expect"
  echo "ok: screen shows \"$(screen | grep -F -- "$expect" | tail -1 | sed 's/^[0-9:]* - //; s/[[:space:]]*$//')\""
fi

if [ "${PROF_CUT:-0}" = 1 ]; then
  cut
  echo "ok: the relay was killed: every connection through it is gone"
  wait_for "Lost connection"
  sleep 1
  relay
  wait_for "Connection re-established" "Login failed"
  echo "ok: $(screen | grep -E 'Connection re-established|resumed' | tail -1 | sed 's/^[0-9:]* - //; s/[[:space:]]*$//')"
  # Its debug log says how: the same session resumed, or a new login.
  resumed=$(grep -o '<resumed [^>]*>' "$home/data/profanity/logs/profanity.log" | tail -1 || true)
  if [ -n "$resumed" ]; then echo "ok: stream management resumed the session: $resumed"; else echo "ok: a new session (not resumed)"; fi
  type_line "/msg $peer $message after the cut"
  if [ -n "$expect" ]; then
    wait_for "$expect after the cut"
    echo "ok: screen shows \"$expect after the cut\" after the cut"
  fi
fi

# Let Profanity close its stream and exit; the tmux server then goes away
# with its last session (cleanup kills it if Profanity did not quit).
type_line "/quit"
for _ in $(seq 50); do tm has-session -t prof 2>/dev/null || break; sleep 0.1; done
echo "ok: profanity passed in $((SECONDS - started)) s"
