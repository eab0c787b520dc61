#!/usr/bin/env bash
# Records every built lesson for the books: its narration with what each
# live step printed under the step's marker, in book/src/live/lesson-NN.md
# (English) and book/zh/src/live/lesson-NN.md (Chinese, `--lang zh`).
#
#   scripts/record-book.sh          # all built lessons
#   scripts/record-book.sh 7 9      # some
#
# Run it as root, so the lessons that capture packets (7) or build the
# namespace lab (9) record their real output, not the capability notice.
# Run it again after changing a lesson's narration or what a step prints:
# tests/book_live.rs fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "record-book: run as root (sudo), or lessons 7 and 9 record the" >&2
  echo "capability notice instead of their live output" >&2
  exit 1
fi

cargo build --release --quiet
lessons=("$@")
if ((${#lessons[@]} == 0)); then
  # Built lessons: the registry knows; `netlab lessons` shows it.
  lessons=(1 2 3 4 5 6 7 8 9 10)
fi
mkdir -p book/src/live book/zh/src/live
for n in "${lessons[@]}"; do
  # The book's width and no colour, whatever this terminal is.
  COLUMNS=80 NO_COLOR=1 target/release/netlab lesson "$n" --lang en \
    --record "book/src/live/lesson-$(printf %02d "$n").md"
  COLUMNS=80 NO_COLOR=1 target/release/netlab lesson "$n" --lang zh \
    --record "book/zh/src/live/lesson-$(printf %02d "$n").md"
done
