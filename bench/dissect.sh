#!/usr/bin/env bash
# Benchmark: `netlab dissect` against tcpdump and tshark on a generated
# capture of one million mixed packets (examples/gen_capture.rs).
#
# The targets (see bench/README.md):
#   - `netlab dissect --summary` is faster than `TZ=UTC tcpdump -nn -r`;
#   - `netlab dissect --json` is at least 20x faster than `tshark -T fields`;
#   - netlab's peak memory does not grow with the file (100k vs 1M frames).
#
# Usage: bench/dissect.sh            (from anywhere in the repository)
#        PACKETS=200000 bench/dissect.sh   a smaller file, for a quick look
#        RUNS=10 TSHARK_RUNS=3 bench/dissect.sh
#
# Needs hyperfine, tcpdump, tshark and GNU time (/usr/bin/time); it
# installs nothing, it says what to install. Results go to target/bench/.
set -euo pipefail

cd "$(dirname "$0")/.."

PACKETS="${PACKETS:-1000000}"
SMALL="${SMALL:-100000}"
RUNS="${RUNS:-5}"
TSHARK_RUNS="${TSHARK_RUNS:-2}"
OUT=target/bench
BIG="$OUT/$((PACKETS / 1000))k.pcap"
[ "$PACKETS" = 1000000 ] && BIG="$OUT/1m.pcap"
LITTLE="$OUT/$((SMALL / 1000))k.pcap"
NETLAB=target/release/netlab
GEN=target/release/examples/gen_capture

missing=()
for tool in hyperfine tcpdump tshark python3; do
    command -v "$tool" > /dev/null || missing+=("$tool")
done
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "missing: ${missing[*]}" >&2
    echo "install with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "== building (release)"
cargo build --release --bins --examples

mkdir -p "$OUT"
for pair in "$BIG:$PACKETS" "$LITTLE:$SMALL"; do
    file="${pair%%:*}" count="${pair##*:}"
    if [ ! -s "$file" ]; then
        echo "== generating $file ($count frames)"
        "$GEN" "$file" "$count"
    fi
done
ls -l "$BIG" "$LITTLE"

# Warm the page cache so every tool reads from memory, not from disk.
cat "$BIG" "$LITTLE" > /dev/null

FIELDS="-e frame.number -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport"

echo "== hyperfine: netlab and tcpdump ($RUNS runs each, 1 warm-up)"
hyperfine --warmup 1 --runs "$RUNS" --style basic \
    --export-markdown "$OUT/results-fast.md" \
    --export-json "$OUT/results-fast.json" \
    -n "netlab dissect --summary" "$NETLAB dissect $BIG --summary > /dev/null" \
    -n "netlab dissect --json" "$NETLAB dissect $BIG --json > /dev/null" \
    -n "tcpdump -nn -r" "TZ=UTC tcpdump -nn -r $BIG > /dev/null 2>&1"

echo "== hyperfine: tshark -T fields ($TSHARK_RUNS runs, 1 warm-up)"
hyperfine --warmup 1 --runs "$TSHARK_RUNS" --style basic \
    --export-markdown "$OUT/results-tshark.md" \
    --export-json "$OUT/results-tshark.json" \
    -n "tshark -T fields" \
    "tshark -r $BIG -T fields $FIELDS > /dev/null 2>&1"

{
    cat "$OUT/results-fast.md"
    tail -n +3 "$OUT/results-tshark.md"
} > "$OUT/results.md"

echo "== peak memory (GNU time, maximum resident set size)"
peak() { # file style -> KiB
    /usr/bin/time -f %M "$NETLAB" dissect "$1" "--$2" 2>&1 > /dev/null |
        tail -n 1
}
{
    echo
    echo "| netlab style | $(basename "$LITTLE") peak RSS | $(basename "$BIG") peak RSS |"
    echo "|:---|---:|---:|"
    for style in summary json; do
        echo "| --$style | $(peak "$LITTLE" "$style") KiB | $(peak "$BIG" "$style") KiB |"
    done
} | tee -a "$OUT/results.md"

echo
echo "== results ($OUT/results.md)"
cat "$OUT/results.md"
echo

python3 - "$OUT/results-fast.json" "$OUT/results-tshark.json" <<'EOF'
import json, sys
runs = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        runs[r["command"]] = r["median"]
summary = runs["netlab dissect --summary"]
full = runs["netlab dissect --json"]
tcpdump = runs["tcpdump -nn -r"]
tshark = runs["tshark -T fields"]
print("medians: " + ", ".join(f"{k} {v:.3f} s" for k, v in runs.items()))
ok1 = summary < tcpdump
ok2 = tshark / full >= 20
print(f"--summary vs tcpdump:     {tcpdump / summary:5.2f}x faster "
      f"(target > 1x)  {'MET' if ok1 else 'MISSED'}")
print(f"--json    vs tshark:      {tshark / full:5.2f}x faster "
      f"(target >= 20x) {'MET' if ok2 else 'MISSED'}")
EOF
