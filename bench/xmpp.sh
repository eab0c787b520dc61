#!/usr/bin/env bash
# Benchmark: `netlab xmpp server` against Prosody (and ejabberd, when
# installed), loaded by the same tool (`netlab xmpp bench`) in the same run.
#
# The targets (bench/README.md, "XMPP server"): with plaintext, 64-byte
# bodies, 10 pairs and 16 messages in flight each, our server delivers at
# least 3× ejabberd's messages per second with a p99 under 10 ms; holds
# 10,000 idle authenticated connections in under 200 MB; and is no slower
# after a thousand logins than before them.
#
# Each server gets its own throwaway directory and port on 127.0.0.1,
# accounts bench1…bench20 (password "bench"), no TLS (the comparison is
# of XMPP routing, not of TLS libraries). Runs alternate between servers;
# medians of RUNS are reported.
#
# Fair shares are off for the measured servers: ours runs with
# --read-rate 0 --max-per-address 0 (its defaults, 64 KiB/s per client
# and 100 connections per address, would cap one bench pair at about
# 400 messages a second and refuse the 10,000 idle connections); Prosody
# and ejabberd run without mod_limits or shapers. The numbers measure
# routing, not the limits. A second instance of ours, "netlab-limits", runs
# with the defaults a public deployment gets, so the figures are reported
# both ways (messages and logins; not the idle connections, which the
# per-address limit refuses beyond 100 from 127.0.0.1, by design).
# LIMITS=0 leaves it out.
#
# Usage: bench/xmpp.sh            RUNS=5 SECONDS_EACH=10 bench/xmpp.sh
# Needs prosody (apt; scripts/interop-deps.sh installs it). ejabberd is
# measured too when ejabberdctl is installed (apt-get install
# --no-install-recommends ejabberd) and we are root (see
# tests/interop/ejabberd.sh), and skipped otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
SECONDS_EACH="${SECONDS_EACH:-10}"
IDLE="${IDLE:-10000}"
OUT=target/bench/xmpp
mkdir -p "$OUT"
cargo build --release --quiet
NETLAB=${CARGO_TARGET_DIR:-$PWD/target}/release/netlab
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_port() { # port [pid [seconds]]: until something listens, or pid dies
  for _ in $(seq $((${3:-10} * 20))); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "nothing listens on $1" >&2
  return 1
}

accounts=()
for i in $(seq 20); do accounts+=("bench$i" bench); done

# --- netlab ----------------------------------------------------------------
NETLAB_PORT=25222
mkdir -p "$work/netlab"
for i in $(seq 20); do
  "$NETLAB" xmpp adduser "bench$i@localhost" --db "$work/netlab/db.sqlite" --password bench > /dev/null
done
"$NETLAB" xmpp server --db "$work/netlab/db.sqlite" --bind 127.0.0.1:$NETLAB_PORT --tls off --s2s off --read-rate 0 --max-per-address 0 > "$work/netlab/log" 2>&1 &
NETLAB_PID=$!
pids+=("$NETLAB_PID")
wait_port $NETLAB_PORT

servers=("netlab:$NETLAB_PORT:$NETLAB_PID")

if [ "${LIMITS:-1}" != 0 ]; then
  LIMITS_PORT=25225
  mkdir -p "$work/netlab-limits"
  cp "$work/netlab/db.sqlite" "$work/netlab-limits/db.sqlite"
  "$NETLAB" xmpp server --db "$work/netlab-limits/db.sqlite" --bind 127.0.0.1:$LIMITS_PORT --tls off --s2s off > "$work/netlab-limits/log" 2>&1 &
  LIMITS_PID=$!
  pids+=("$LIMITS_PID")
  wait_port $LIMITS_PORT
  servers+=("netlab-limits:$LIMITS_PORT:$LIMITS_PID")
fi

# --- Prosody -----------------------------------------------------------------
PROSODY_PORT=25223
tests/interop/prosody.sh --plain "$work/prosody" $PROSODY_PORT "${accounts[@]}" > /dev/null 2>&1 &
PROSODY_PID=$!
pids+=("$PROSODY_PID")
wait_port $PROSODY_PORT

servers+=("prosody:$PROSODY_PORT:$PROSODY_PID")

# --- ejabberd ----------------------------------------------------------------
# tests/interop/ejabberd.sh execs the Erlang VM, so its PID is beam.smp's
# (the RSS measured). It boots ejabberd once to register the accounts, then
# again with the listener: allow it two minutes. It runs as user ejabberd,
# which must reach its directory inside $work. Its distribution port (for
# ejabberdctl) is EJABBERD_PORT+1.
EJABBERD_PORT=25224
if command -v ejabberdctl > /dev/null && [ "$(id -u)" = 0 ]; then
  chmod 711 "$work"
  tests/interop/ejabberd.sh "$work/ejabberd" $EJABBERD_PORT "${accounts[@]}" > "$OUT/ejabberd-console.log" 2>&1 &
  EJABBERD_PID=$!
  pids+=("$EJABBERD_PID")
  if wait_port $EJABBERD_PORT "$EJABBERD_PID" 120; then
    servers+=("ejabberd:$EJABBERD_PORT:$EJABBERD_PID")
  else
    echo "ejabberd did not start; see $OUT/ejabberd-console.log" >&2
    exit 1
  fi
else
  echo "ejabberd: skipped (needs ejabberdctl, and root)"
fi

run() { # name port pid args…
  local name=$1 port=$2 pid=$3
  shift 3
  "$NETLAB" xmpp bench --server 127.0.0.1:"$port" --server-pid "$pid" --json "$@" | tail -1
}

echo "== messages: $RUNS runs × $SECONDS_EACH s each, alternating"
for r in $(seq "$RUNS"); do
  for s in "${servers[@]}"; do
    IFS=: read -r name port pid <<< "$s"
    run "$name" "$port" "$pid" --seconds "$SECONDS_EACH" > "$OUT/$name-messages-$r.json"
    echo "$name run $r: $(jq -r '"\(.messages_per_second|floor) msg/s, p50 \(.p50_ms*100|round/100) ms, p99 \(.p99_ms*100|round/100) ms"' "$OUT/$name-messages-$r.json")"
  done
done

echo "== 1000 logins, then messages again"
for s in "${servers[@]}"; do
  IFS=: read -r name port pid <<< "$s"
  run "$name" "$port" "$pid" --seconds "$SECONDS_EACH" --logins 1000 > "$OUT/$name-logins.json"
  echo "$name: $(jq -r '"\(.logins_per_second|floor) logins/s; \(.messages_per_second|floor) msg/s before, \(.messages_per_second_after_logins|floor) after"' "$OUT/$name-logins.json")"
done

echo "== $IDLE idle authenticated connections"
for s in "${servers[@]}"; do
  IFS=: read -r name port pid <<< "$s"
  if [ "$name" = netlab-limits ]; then
    echo "$name: skipped (100 connections per address, by design)"
    continue
  fi
  run "$name" "$port" "$pid" --seconds 0 --idle "$IDLE" > "$OUT/$name-idle.json" || echo "$name: idle run failed"
  echo "$name: $(jq -r '"\(.idle_connections) held; server RSS \(.server_rss_before_mib|round) → \(.server_rss_mib|round) MiB"' "$OUT/$name-idle.json" 2>/dev/null)"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "== medians"
for s in "${servers[@]}"; do
  IFS=: read -r name _ _ <<< "$s"
  rate=$(jq -s -r '.[].messages_per_second' "$OUT/$name"-messages-*.json | median)
  p99=$(jq -s -r '.[].p99_ms' "$OUT/$name"-messages-*.json | median)
  printf '%s: %.0f msg/s, p99 %.2f ms\n' "$name" "$rate" "$p99" | tee "$OUT/$name-median.txt"
done
