#!/usr/bin/env bash
# Benchmark: netlab's own bulk TCP and UDP throughput on loopback against
# iperf3's, on the same machine in the same run.
#
# The target (see bench/README.md, "TCP and UDP throughput vs iperf3"):
# netlab's figures are at least 80 % of iperf3's for
#   - TCP, one connection, 128 KiB writes: Gbit/s received;
#   - UDP, 64-byte payloads, no rate limit: datagrams received per second.
#
# Both tools measure at the receiver, with the same payload size, for about
# the same time (iperf3 -t SECONDS; netlab repeats compare::throughput,
# one second each, until SECONDS have passed, see examples/throughput.rs).
# Nothing is pinned: iperf3 runs client and server as two processes,
# netlab as two threads of one process, and the scheduler places both.
# Runs alternate (iperf3 TCP, netlab TCP, iperf3 UDP, netlab UDP) so that
# drift on the machine hits both tools alike; medians of RUNS are reported.
#
# Usage: bench/compare.sh                    (from anywhere in the repo)
#        RUNS=5 SECONDS_EACH=10 bench/compare.sh
#
# Needs iperf3 (`sudo apt-get install -y iperf3`), jq and ss (iproute2).
# Only 127.0.0.1 is used. Results go to target/bench/compare.md and the
# raw JSON beside it.
set -euo pipefail

cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
SECONDS_EACH="${SECONDS_EACH:-5}"
TARGET=0.8
OUT=target/bench/compare
DRIVER=target/release/examples/throughput
HOST=127.0.0.1

missing=()
for tool in iperf3 jq ss; do
    command -v "$tool" > /dev/null || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "missing: ${missing[*]}" >&2
    echo "install with: sudo apt-get install -y iperf3 jq iproute2" >&2
    exit 1
fi

echo "== building (release)"
cargo build --release --example throughput

mkdir -p "$OUT"
rm -f "$OUT"/*.json

# The iperf3 server started last; the trap stops exactly that process.
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2> /dev/null; then
        kill "$SERVER_PID" 2> /dev/null || true
        wait "$SERVER_PID" 2> /dev/null || true
    fi
    SERVER_PID=""
}
trap stop_server EXIT INT TERM

# A port nothing listens on (TCP or UDP), above the ephemeral range start.
free_port() {
    local port
    for port in $(seq 45201 45299); do
        if [ -z "$(ss -Htuln "sport = :$port")" ]; then
            echo "$port"
            return
        fi
    done
    echo "no free port in 45201-45299" >&2
    exit 1
}

# iperf3 NAME ARGS...: one-off server (-1), one client run, JSON to NAME.
run_iperf3() {
    local name="$1"
    shift
    local port
    port="$(free_port)"
    iperf3 -s -1 -B "$HOST" -p "$port" > "$OUT/$name.server.log" 2>&1 &
    SERVER_PID=$!
    # Wait until it listens (connecting to check would use up the -1).
    for _ in $(seq 100); do
        [ -n "$(ss -Htln "sport = :$port")" ] && break
        sleep 0.05
    done
    iperf3 -c "$HOST" -p "$port" -t "$SECONDS_EACH" -J "$@" \
        > "$OUT/$name.json"
    wait "$SERVER_PID" 2> /dev/null || true
    SERVER_PID=""
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for run in $(seq "$RUNS"); do
    echo "== run $run of $RUNS (${SECONDS_EACH} s each)"
    run_iperf3 "iperf3-tcp-$run"
    "$DRIVER" tcp "$SECONDS_EACH" > "$OUT/netlab-tcp-$run.json"
    run_iperf3 "iperf3-udp-$run" -u -b 0 -l 64
    "$DRIVER" udp "$SECONDS_EACH" > "$OUT/netlab-udp-$run.json"

    # iperf3: the receiver's side (end.sum_received). For UDP, datagrams
    # received = bytes received / 64 (lost ones never add bytes).
    jq -r '.end.sum_received.bits_per_second / 1e9' \
        "$OUT/iperf3-tcp-$run.json" >> "$OUT/iperf3-tcp.txt.new"
    jq -r '.end.sum_received | .bytes / 64 / .seconds' \
        "$OUT/iperf3-udp-$run.json" >> "$OUT/iperf3-udp.txt.new"
    jq -r '.gbit_per_s' "$OUT/netlab-tcp-$run.json" \
        >> "$OUT/netlab-tcp.txt.new"
    jq -r '.datagrams_per_s' "$OUT/netlab-udp-$run.json" \
        >> "$OUT/netlab-udp.txt.new"
    printf '   TCP Gbit/s     iperf3 %6.2f   netlab %6.2f\n' \
        "$(tail -1 "$OUT/iperf3-tcp.txt.new")" \
        "$(tail -1 "$OUT/netlab-tcp.txt.new")"
    printf '   UDP 64 B dg/s  iperf3 %8.0f netlab %8.0f' \
        "$(tail -1 "$OUT/iperf3-udp.txt.new")" \
        "$(tail -1 "$OUT/netlab-udp.txt.new")"
    printf '   (iperf3 lost %s%%, netlab lost %s of %s)\n' \
        "$(jq -r '.end.sum_received.lost_percent // "?" | tostring |
                  .[0:5]' "$OUT/iperf3-udp-$run.json")" \
        "$(jq -r '.lost' "$OUT/netlab-udp-$run.json")" \
        "$(jq -r '.writes' "$OUT/netlab-udp-$run.json")"
done
for f in iperf3-tcp iperf3-udp netlab-tcp netlab-udp; do
    mv "$OUT/$f.txt.new" "$OUT/$f.txt"
done

I_TCP="$(median < "$OUT/iperf3-tcp.txt")"
N_TCP="$(median < "$OUT/netlab-tcp.txt")"
I_UDP="$(median < "$OUT/iperf3-udp.txt")"
N_UDP="$(median < "$OUT/netlab-udp.txt")"

verdict() { awk -v r="$1" -v t="$TARGET" \
    'BEGIN { print (r >= t ? "MET" : "MISSED") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
R_TCP="$(ratio "$N_TCP" "$I_TCP")"
R_UDP="$(ratio "$N_UDP" "$I_UDP")"

{
    echo "medians of $RUNS runs, ${SECONDS_EACH} s each, $HOST, $(date -I)"
    echo "$(iperf3 --version | head -1); $(nproc) CPUs; $(uname -r)"
    echo
    echo "| case | iperf3 | netlab | netlab / iperf3 | ≥ $TARGET |"
    echo "|---|---:|---:|---:|---|"
    printf '| TCP, 128 KiB writes [Gbit/s] | %.2f | %.2f | %s | %s |\n' \
        "$I_TCP" "$N_TCP" "$R_TCP" "$(verdict "$R_TCP")"
    printf '| UDP, 64 B payload [datagrams/s received] | %.0f | %.0f | %s | %s |\n' \
        "$I_UDP" "$N_UDP" "$R_UDP" "$(verdict "$R_UDP")"
} | tee "$OUT.md"
