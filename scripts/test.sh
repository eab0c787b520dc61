#!/usr/bin/env bash
# netlab's test command: installs what the tests need, then runs them all.
#
#   scripts/test.sh
#
# It is the command the README gives and the one .ci/run calls. On a fresh
# machine it installs, when it can:
#   - socat (apt, root only): a real peer for the socket tools' tests;
#   - tshark (apt, root only): checks our capture files and dissections;
#   - nftables, iproute2 (apt, root only): the namespace lab of lesson 9;
#   - prosody, lua-unbound, profanity, tmux (apt, root only) and slixmpp
#     (pip): XMPP software we did not write, for the interop and
#     federation tests (scripts/interop-deps.sh);
#   - mdbook (cargo install, into target/tools): to build the book.
# Without root the apt step is skipped, and the tests that need those
# programs say so and skip themselves; everything else still runs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

# --- system packages -------------------------------------------------------
need=()
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v sysctl >/dev/null 2>&1 || need+=(procps)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need[*]} (apt)"
    apt-get update -qq
    # tshark's package asks whether non-root users may capture: the
    # noninteractive frontend takes the default (no) without asking.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    say "not installing ${need[*]}: needs root and apt-get; their tests skip"
  fi
fi

# --- XMPP peers --------------------------------------------------------------
say "XMPP peers for the interop tests"
scripts/interop-deps.sh || say "could not install every XMPP peer; their tests skip (outside CI)"

# --- mdbook ----------------------------------------------------------------
export PATH="$PWD/target/tools/bin:$PATH"
if ! command -v mdbook >/dev/null 2>&1; then
  say "installing mdbook into target/tools (once)"
  cargo install --quiet --locked --root target/tools \
    --no-default-features mdbook --version '^0.5'
fi

# --- the tests ---------------------------------------------------------------
# Unit tests, integration tests on loopback, transcripts (trycmd), the
# book's include anchors, doc tests; examples are built and run too.
say "cargo test"
timeout 1800 cargo test --locked

# The book must build without errors (mdBook reports broken links and
# missing files as ERROR but may still exit 0 for some of them).
# The Chinese book (book/zh) is built second: it goes into book/book/zh,
# inside the English one's output, which mdbook empties when it builds.
for book in book book/zh; do
  say "mdbook build $book"
  log=$(mdbook build "$book" 2>&1) || { echo "$log"; exit 1; }
  echo "$log"
  if grep -q 'ERROR' <<<"$log"; then
    echo "mdbook reported errors" >&2
    exit 1
  fi
  # A warning is a page that renders wrong (an unclosed HTML tag swallows
  # the text after it): fail on those too.
  if grep -q 'WARN' <<<"$log"; then
    echo "mdbook reported warnings" >&2
    exit 1
  fi
done
say "all tests passed"
