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
#      from the peer, e.g. "echo: hello from profanity" from slixmpp_echo.py).
# Exits 0 when all steps passed; otherwise prints FAIL and the screen, exits 1.
#
# Environment: PROF_DOMAIN (localhost), PROF_TLS (trust: STARTTLS required,
# certificate not checked; allow, force, disable, legacy also work),
# PROF_MESSAGE ("hello from profanity"), PROF_TIMEOUT (20 seconds per wait),
# PROF_KEEP=1 keeps the temp HOME with Profanity's debug log.
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
trap cleanup EXIT

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

type_line "/connect $user server $host port $port tls $tls"
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

# Let Profanity close its stream and exit; the tmux server then goes away
# with its last session (cleanup kills it if Profanity did not quit).
type_line "/quit"
for _ in $(seq 50); do tm has-session -t prof 2>/dev/null || break; sleep 0.1; done
echo "ok: profanity passed in $((SECONDS - started)) s"
