#!/usr/bin/env bash
# Training benchmark on CPU: tokens/s and peak RSS of `tunesmith-cli train` (LoRA on
# every linear projection, r 16, packed rows of SEQ tokens, batch 4) for the `tiny` and
# `small-100m` presets with random weights and the demo tokenizer, on the Acme train
# split. tokens/s is the mean over steps 2..N (step 1 warms up allocators).
#   tests/bench/train_bench.sh [BUILD_DIR] [STEPS] [SEQ] [EXTRA FLAGS...]
#   (defaults: build, 5, 256; e.g. "--full" for full-parameter training)
# Needs tunesmith-cli built in BUILD_DIR. Not a ctest test.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$src/build}" && pwd)"
steps="${2:-5}"
seq="${3:-256}"
shift $(( $# > 3 ? 3 : $# )) || true
cli="$build/app/cli/tunesmith-cli"
[[ -x "$cli" ]] || { echo "missing $cli: build tunesmith-cli" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "preset      params      steps seq  tokens/s  peak_rss_MB  threads"
for preset in tiny small-100m; do
  "$cli" model init --arch llama --preset "$preset" --tokenizer "$src/resources/demo/model" \
    --out "$tmp/$preset" --seed 1 >/dev/null
  params="$("$cli" model info "$tmp/$preset" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["parameters"])')"
  /usr/bin/time -f '%M' -o "$tmp/$preset.rss" "$cli" train --model "$tmp/$preset" \
    --data "$src/resources/demo/acme/train.jsonl" --out "$tmp/run-$preset" --max-steps "$steps" \
    --max-seq-len "$seq" --batch-size 4 --packing "$@" 2>"$tmp/$preset.err" >/dev/null \
    || { cat "$tmp/$preset.err" >&2; exit 1; }
  python3 - "$tmp/run-$preset/metrics.jsonl" "$tmp/$preset.rss" "$preset" "$params" "$steps" "$seq" <<'PY'
import json, sys
metrics, rss, preset, params, steps, seq = sys.argv[1:]
lines = [json.loads(l) for l in open(metrics)]
tps = [l["tokens_per_s"] for l in lines if l["type"] == "step"][1:]
threads = next(l.get("threads") for l in lines if l["type"] == "started")
print(f"{preset:<11} {int(params):>11,} {steps:>5} {seq:>4} {sum(tps)/len(tps):>9.0f} {int(open(rss).read().split()[-1])/1024:>12.0f}  {threads}")
PY
done
