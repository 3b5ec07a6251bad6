#!/usr/bin/env bash
# Whole-corpus `--jobs 2` runs of two revisions of jinmyaku_nlp/, alternating, in both orders.
#
#     bash benchmarks/ab_revisions.sh OLD_REV NEW_REV [PAIRS] [CORPUS]
#
# The machine's speed drifts by tens of percent within minutes, so a single before/after pair
# says little: each pair is run once old-first and once new-first. The script checks out each
# revision's jinmyaku_nlp/ into the work tree (the editable install follows it) and restores
# HEAD's at the end; it refuses to start if jinmyaku_nlp/ has uncommitted changes.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?old revision}; new=${2:?new revision}; pairs=${3:-1}
corpus=${4:-../shared/corpora/livedoor}
if ! git diff --quiet HEAD -- jinmyaku_nlp; then
  echo "jinmyaku_nlp/ has uncommitted changes; commit or stash them first" >&2
  exit 2
fi
out=$(mktemp -d)
trap 'git checkout -q HEAD -- jinmyaku_nlp; rm -rf "$out"' EXIT
run() {  # REV LABEL
  git checkout -q "$1" -- jinmyaku_nlp
  /usr/bin/time -f "$2: %e s wall, %U s user" \
    .venv/bin/python -m jinmyaku_nlp analyze "$corpus" -o "$out/$2.jsonl" --jobs 2 --quiet
}
for _ in $(seq "$pairs"); do
  run "$old" old; run "$new" new
  run "$new" new; run "$old" old
done
cmp -s "$out/old.jsonl" "$out/new.jsonl" && echo "identical output" || echo "the outputs differ"
