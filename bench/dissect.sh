#!/usr/bin/env bash
# Benchmark: `netlab dissect` against tcpdump and tshark, on two captures:
#
#   mixed  bench/gen_pcap.py OUT --count 100000 --seed 7: the project's
#          shared benchmark capture (Ethernet, 802.1Q, IPv4/IPv6, TCP, UDP,
#          DNS, ICMP, ARP), the one issue 12 sets its targets on; a copy of
#          ../shared/bench/gen_pcap.py, vendored so that a clean checkout
#          has it;
#   dev    examples/gen_capture.rs, 1,000,000 frames: the developer-made
#          capture of the first benchmark (XMPP-heavy), a second data point.
#
# The targets (issue 12 § 4, on the mixed capture, side by side in one run;
# see bench/README.md):
#   - `netlab dissect --json` at least 20x faster than `tshark -T fields`;
#   - `netlab dissect --summary` at least 3x faster than `TZ=UTC tcpdump -nn -r`;
#   - netlab's peak memory flat in the number of frames (100k vs 1M).
#
# Usage: bench/dissect.sh            (from anywhere in the repository)
#        RUNS=10 TSHARK_RUNS=3 bench/dissect.sh
#        CAPTURES=mixed bench/dissect.sh    only the mixed capture (fast)
#        PACKETS=200000 bench/dissect.sh    a smaller dev capture
#
# Needs hyperfine, tcpdump, tshark, python3 and GNU time (/usr/bin/time);
# it installs nothing, it says what to install. Results go to target/bench/.
set -euo pipefail

cd "$(dirname "$0")/.."

PACKETS="${PACKETS:-1000000}"
SMALL="${SMALL:-100000}"
RUNS="${RUNS:-5}"
TSHARK_RUNS="${TSHARK_RUNS:-2}"
CAPTURES="${CAPTURES:-mixed dev}"
OUT=target/bench
NETLAB=target/release/netlab
GEN=target/release/examples/gen_capture
GEN_PCAP=bench/gen_pcap.py

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

# A capture of `kind` with `count` frames, written when missing:
# target/bench/mixed-100k.pcap, target/bench/dev-1000k.pcap, ...
capture() { # kind count -> path
    local kind=$1 count=$2
    local file="$OUT/$kind-$((count / 1000))k.pcap"
    if [ ! -s "$file" ]; then
        echo "== generating $file ($count $kind frames)" >&2
        case "$kind" in
        mixed) python3 "$GEN_PCAP" "$file" --count "$count" --seed 7 >&2 ;;
        dev) "$GEN" "$file" "$count" >&2 ;;
        esac
    fi
    echo "$file"
}

FIELDS="-e frame.number -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport"

peak() { # file style -> KiB
    /usr/bin/time -f %M "$NETLAB" dissect "$1" "--$2" 2>&1 > /dev/null |
        tail -n 1
}

# One capture: netlab, tcpdump and tshark on the timed file, side by side;
# netlab's peak memory on a small and a large file of the same kind.
bench() { # kind timed-file small-file large-file
    local kind=$1 file=$2 small=$3 large=$4
    cat "$file" "$small" "$large" > /dev/null # into the page cache
    echo "== $kind: hyperfine on $file: netlab and tcpdump ($RUNS runs, 1 warm-up)"
    hyperfine --warmup 1 --runs "$RUNS" --style basic \
        --export-markdown "$OUT/$kind-fast.md" \
        --export-json "$OUT/$kind-fast.json" \
        -n "netlab dissect --summary" "$NETLAB dissect $file --summary > /dev/null" \
        -n "netlab dissect --json" "$NETLAB dissect $file --json > /dev/null" \
        -n "tcpdump -nn -r" "TZ=UTC tcpdump -nn -r $file > /dev/null 2>&1"
    echo "== $kind: hyperfine on $file: tshark -T fields ($TSHARK_RUNS runs, 1 warm-up)"
    hyperfine --warmup 1 --runs "$TSHARK_RUNS" --style basic \
        --export-markdown "$OUT/$kind-tshark.md" \
        --export-json "$OUT/$kind-tshark.json" \
        -n "tshark -T fields" \
        "tshark -r $file -T fields $FIELDS > /dev/null 2>&1"
    {
        echo "### $kind capture: $(basename "$file")"
        echo
        cat "$OUT/$kind-fast.md"
        tail -n +3 "$OUT/$kind-tshark.md"
        echo
        echo "| netlab style | $(basename "$small") peak RSS | $(basename "$large") peak RSS |"
        echo "|:---|---:|---:|"
        for style in summary json; do
            echo "| --$style | $(peak "$small" "$style") KiB | $(peak "$large" "$style") KiB |"
        done
        echo
        python3 - "$OUT/$kind-fast.json" "$OUT/$kind-tshark.json" <<'PY'
import json, sys
runs, user = {}, {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        runs[r["command"]] = r["median"]
        user[r["command"]] = r["user"]
summary, full = runs["netlab dissect --summary"], runs["netlab dissect --json"]
tcpdump, tshark = runs["tcpdump -nn -r"], runs["tshark -T fields"]
print("medians: " + ", ".join(f"{k} {v:.3f} s" for k, v in runs.items()))
print("mean user CPU: " + ", ".join(f"{k} {v:.3f} s" for k, v in user.items()))
print()
for what, ratio, target in [
    ("--json    vs tshark ", tshark / full, 20),
    ("--summary vs tcpdump", tcpdump / summary, 3),
]:
    verdict = "MET" if ratio >= target else "MISSED"
    print(f"{what}: {ratio:5.2f}x faster (target >= {target}x) {verdict}")
PY
        echo
    } | tee "$OUT/$kind-results.md"
}

for kind in $CAPTURES; do
    case "$kind" in
    mixed)
        small=$(capture mixed 100000)
        large=$(capture mixed 1000000)
        bench mixed "$small" "$small" "$large"
        ;;
    dev)
        small=$(capture dev "$SMALL")
        large=$(capture dev "$PACKETS")
        bench dev "$large" "$small" "$large"
        ;;
    *) echo "unknown capture kind: $kind (mixed, dev)" >&2 && exit 2 ;;
    esac
done

echo "== results"
for kind in $CAPTURES; do cat "$OUT/$kind-results.md"; done |
    tee "$OUT/results.md"
