#!/usr/bin/env bash
# Benchmark: federated messages. A pair of our servers (a.example →
# b.example) against a pair of Prosody servers (p.example → q.example),
# loaded by the same tool (`netlab xmpp bench --to-server`) in the same
# run, plus our server alone (no federation) for context.
#
# The target (bench/README.md, "Federated"): with 64-byte bodies, 10 pairs
# and 16 messages in flight each, every message crossing from one server
# to the other, our pair delivers at least 5× the messages per second of
# the Prosody pair, with a p99 under 10 ms.
#
# Every sender (bench1, bench3, …) logs in at the first server of a pair,
# every receiver (bench2, bench4, …) at the second; each message goes
# sender → its server → server-to-server stream → the receiver's server →
# receiver. Latency is send → receipt, both ends in the load process, one
# clock. Clients talk plaintext to their servers (as in bench/xmpp.sh: the
# comparison is of routing, not of TLS libraries on c2s); the s2s streams
# are encrypted in both pairs: Prosody requires STARTTLS on s2s by default
# (s2s_require_encryption), and our server, which always has a certificate
# when federating, uses STARTTLS whenever the peer offers it and offers it
# itself. Both pairs authenticate with dialback over that TLS. So both
# pairs pay for TLS on the s2s hop alike.
#
# How the servers find each other: ours by pinned routes (--s2s-route),
# the Prosodys by SRV records from tests/interop/srv_dns.py (target
# localhost., tests/interop/README.md § Federation). The lookup happens
# once per s2s connection, before the clock starts (the load tool waits
# for one message per pair to cross first), so it does not weigh on the
# figures.
#
# Each server gets its own throwaway directory on 127.0.0.1, ports chosen
# by the kernel (so this can run beside bench/xmpp.sh), accounts
# bench1…bench(2×PAIRS) on every server, password "bench". Runs alternate
# between the cases; medians of RUNS are reported and written to
# target/bench/xmpp-federation/.
#
# Usage: bench/xmpp-federation.sh      RUNS=5 SECONDS_EACH=10 bench/xmpp-federation.sh
# Needs prosody, lua-unbound, python3, jq (scripts/interop-deps.sh; jq from apt).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
SECONDS_EACH="${SECONDS_EACH:-8}"
PAIRS="${PAIRS:-10}"
OUT=target/bench/xmpp-federation
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.txt
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

echo "load at start: $(uptime)" | tee "$OUT/load.txt"

# Nine free ports (c2s and s2s of four servers, DNS), chosen by the kernel
# all at once so that they differ.
read -r a_c2s a_s2s b_c2s b_s2s p_c2s p_s2s q_c2s q_s2s dns_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(9)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

accounts=()
for i in $(seq $((2 * PAIRS))); do accounts+=("bench$i" bench); done

# --- our pair: a.example and b.example, each routed to the other -----------
start_ours() { # domain c2s s2s peer-domain peer-s2s
  mkdir -p "$work/$1"
  for i in $(seq $((2 * PAIRS))); do
    "$NETLAB" xmpp adduser "bench$i@$1" --domain "$1" --db "$work/$1/db.sqlite" --password bench > /dev/null
  done
  # Fair shares off, as in bench/xmpp.sh: the numbers measure routing.
  "$NETLAB" xmpp server --domain "$1" --db "$work/$1/db.sqlite" --tls off \
    --read-rate 0 --max-per-address 0 --bind 127.0.0.1:"$2" --s2s-bind 127.0.0.1:"$3" \
    --s2s-route "$4=127.0.0.1:$5" > "$work/$1/log" 2>&1 &
  pids+=($!)
}
start_ours a.example "$a_c2s" "$a_s2s" b.example "$b_s2s"
A_PID=${pids[-1]}
start_ours b.example "$b_c2s" "$b_s2s" a.example "$a_s2s"

# --- the Prosody pair: p.example and q.example, found by SRV ---------------
python3 tests/interop/srv_dns.py --port "$dns_port" \
  --srv "_xmpp-server._tcp.p.example=localhost.:$p_s2s" \
  --srv "_xmpp-server._tcp.q.example=localhost.:$q_s2s" > "$work/dns.out" 2> "$work/dns.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q '^ready ' "$work/dns.out" 2>/dev/null && break
  sleep 0.05
done
grep -q "^ready $dns_port\$" "$work/dns.out" || { echo "srv_dns.py did not start: $(cat "$work/dns.log")" >&2; exit 1; }
# --plain: clients may log in without TLS (as ours, --tls off). s2s keeps
# Prosody's default: STARTTLS required.
tests/interop/prosody.sh --plain --domain p.example --s2s "$p_s2s" --dns "$dns_port" \
  "$work/p" "$p_c2s" "${accounts[@]}" > "$work/p.out" 2>&1 &
P_PID=$!
pids+=("$P_PID")
tests/interop/prosody.sh --plain --domain q.example --s2s "$q_s2s" --dns "$dns_port" \
  "$work/q" "$q_c2s" "${accounts[@]}" > "$work/q.out" 2>&1 &
pids+=($!)

for port in "$a_c2s" "$a_s2s" "$b_c2s" "$b_s2s"; do wait_port "$port"; done
for port in "$p_c2s" "$p_s2s" "$q_c2s" "$q_s2s"; do wait_port "$port" "" 30; done

# name:arguments of `netlab xmpp bench` (after the common ones).
cases=(
  "ours-federated:--server 127.0.0.1:$a_c2s --domain a.example --to-server 127.0.0.1:$b_c2s --to-domain b.example --server-pid $A_PID"
  "prosody-federated:--server 127.0.0.1:$p_c2s --domain p.example --to-server 127.0.0.1:$q_c2s --to-domain q.example --server-pid $P_PID"
  "ours-local:--server 127.0.0.1:$a_c2s --domain a.example --server-pid $A_PID"
)

echo "== messages: $RUNS runs × $SECONDS_EACH s each, $PAIRS pairs, alternating"
for r in $(seq "$RUNS"); do
  for c in "${cases[@]}"; do
    name=${c%%:*}
    read -ra args <<< "${c#*:}"
    "$NETLAB" xmpp bench --json --pairs "$PAIRS" --seconds "$SECONDS_EACH" "${args[@]}" \
      | tail -1 > "$OUT/$name-$r.json"
    echo "$name run $r: $(jq -r '"\(.messages_per_second|floor) msg/s, p50 \(.p50_ms*100|round/100) ms, p99 \(.p99_ms*100|round/100) ms"' "$OUT/$name-$r.json")"
  done
done

echo "load at end: $(uptime)" | tee -a "$OUT/load.txt"

# Both s2s hops encrypted? Prosody says so at info level; our server only
# in its --trace (left off here: it prints every stanza), see
# bench/README.md for how that was checked.
echo "== Prosody's s2s streams"
grep -hE 'Stream encrypted|s2s connection .* complete' "$work/p/prosody.log" "$work/q/prosody.log" | sed 's/^/    /' | tee "$OUT/prosody-s2s.txt"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "== medians"
for c in "${cases[@]}"; do
  name=${c%%:*}
  rate=$(jq -s -r '.[].messages_per_second' "$OUT/$name"-[0-9]*.json | median)
  p99=$(jq -s -r '.[].p99_ms' "$OUT/$name"-[0-9]*.json | median)
  printf '%s: %.0f msg/s, p99 %.2f ms\n' "$name" "$rate" "$p99" | tee "$OUT/$name-median.txt"
  declare "rate_${name//-/_}=$rate" "p99_${name//-/_}=$p99"
done
awk -v ours="$rate_ours_federated" -v prosody="$rate_prosody_federated" \
  -v alone="$rate_ours_local" -v p99="$p99_ours_federated" 'BEGIN {
  ratio = ours / prosody
  printf "ours / Prosody, federated: %.1f× (target ≥ 5×: %s)\n", ratio, (ratio >= 5 ? "MET" : "MISSED")
  printf "ours federated p99: %.2f ms (target < 10 ms: %s)\n", p99, (p99 < 10 ? "MET" : "MISSED")
  printf "ours federated / ours alone: %.2f\n", ours / alone
}' | tee "$OUT/summary.txt"
