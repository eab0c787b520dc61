#!/usr/bin/env bash
# Two builds of `netlab xmpp server` side by side: did a change make one
# server slower? The same load tool (this checkout's `netlab xmpp bench`)
# against both, runs alternating, plaintext, 20 accounts each.
#
# Usage: bench/xmpp-builds.sh OLD_NETLAB NEW_NETLAB
#        RUNS=3 SECS=8 bench/xmpp-builds.sh /tmp/old/netlab target/release/netlab
# Build the old one in a worktree: git worktree add /tmp/old REV &&
# (cd /tmp/old && cargo build --release). Flags a build does not know
# (--s2s, before federation) are passed only to NEW.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2
RUNS=${RUNS:-3} SECS=${SECS:-8}
cargo build --release --quiet
LOAD=${CARGO_TARGET_DIR:-$PWD/target}/release/netlab
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
start() { # name binary port extra-flags…
  local name=$1 bin=$2 port=$3; shift 3
  mkdir -p "$work/$name"
  for i in $(seq 20); do
    "$bin" xmpp adduser "bench$i@localhost" --db "$work/$name/db.sqlite" --password bench > /dev/null
  done
  "$bin" xmpp server --db "$work/$name/db.sqlite" --bind 127.0.0.1:"$port" --tls off "$@" > "$work/$name/log" 2>&1 &
  pids+=($!)
  eval "${name}_pid=$!"
  for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0; sleep 0.05; done
  echo "$name did not start" >&2; exit 1
}
start old "$OLD" 26222
start new "$NEW" 26223 --s2s off
echo "load: $(uptime)"
for r in $(seq "$RUNS"); do
  for s in "old:26222:$old_pid" "new:26223:$new_pid"; do
    IFS=: read -r name port pid <<< "$s"
    "$LOAD" xmpp bench --server 127.0.0.1:"$port" --server-pid "$pid" --json --seconds "$SECS" | tail -1 > "$work/$name-$r.json"
    echo "$name run $r: $(jq -r '"\(.messages_per_second|floor) msg/s, p50 \(.p50_ms*100|round/100) ms, p99 \(.p99_ms*100|round/100) ms"' "$work/$name-$r.json")"
  done
done
