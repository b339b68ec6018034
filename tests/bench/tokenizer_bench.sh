#!/usr/bin/env bash
# Tokenizer throughput: Tunesmith vs the Rust reference (HF tokenizers via Node), single
# thread each, same >= 50 MB mixed-script corpus, same run. Prints MB/s and the ratio.
#   tests/bench/tokenizer_bench.sh [BUILD_DIR] [TOKENIZER...]     (default: build, llama3 qwen3 gemma3)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:-$HERE/../../build}"
shift || true
TOKENIZERS=("$@")
[[ ${#TOKENIZERS[@]} -gt 0 ]] || TOKENIZERS=(llama3 qwen3 gemma3)
SHARED="${TUNESMITH_SHARED_DIR:-$HERE/../../../shared}"
bash "$SHARED/reference/setup.sh" >/dev/null
cmake --build "$BUILD" --target tokenizer_bench >/dev/null
for t in "${TOKENIZERS[@]}"; do
  taskset -c 0 "$BUILD/tests/bench/tokenizer_bench" --tokenizer "$t" --mb "${BENCH_MB:-50}" || true
  echo
done
