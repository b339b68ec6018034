#!/usr/bin/env bash
# Validation benchmark: our streaming validator against the Python anchor (the OpenAI
# cookbook's format checks, openai_format_checks.py) on the same generated >=200 MB JSONL
# file, in the same run. Prints MB/s, examples/s and peak RSS of both and the ratio.
#   tests/bench/validate_bench.sh [BUILD_DIR] [MB]     (defaults: build, 220)
# Needs the bench_validate and tunesmith-cli targets built in BUILD_DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
mb="${2:-220}"
bench="$build/tests/bench/bench_validate"
cli="$build/app/cli/tunesmith-cli"
python="${PYTHON:-python3}"
for exe in "$bench" "$cli"; do
  [[ -x "$exe" ]] || { echo "missing $exe: build the bench_validate and tunesmith-cli targets" >&2; exit 2; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
file="$tmp/bench.jsonl"
"$bench" --generate "$file" --mb "$mb"
echo "file: $(( $(stat -c %s "$file") / 1000000 )) MB, $(wc -l < "$file") examples" >&2

# Warm the page cache so that both read from memory, not from the disk.
cat "$file" > /dev/null

ours="$(/usr/bin/time -f '%M' -o "$tmp/ours.rss" "$bench" "$file")"
anchor="$(/usr/bin/time -f '%M' -o "$tmp/anchor.rss" "$python" "$here/openai_format_checks.py" "$file" 2>"$tmp/anchor.err")"
/usr/bin/time -f '%e %M' -o "$tmp/cli.time" "$cli" data validate "$file" > "$tmp/cli.out" || true

"$python" - "$ours" "$anchor" "$(cat "$tmp/ours.rss")" "$(cat "$tmp/anchor.rss")" "$(cat "$tmp/cli.time")" <<'PY'
import json, sys
ours, anchor = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ours["peak_rss_mb"] = int(sys.argv[3]) / 1024  # /usr/bin/time's max RSS, KiB
anchor["peak_rss_mb"] = int(sys.argv[4]) / 1024
cli_s, cli_kb = sys.argv[5].split()
print(f"{'':18}{'MB/s':>10}{'examples/s':>14}{'peak RSS MB':>14}{'seconds':>10}")
for name, r in (("tunesmith", ours), ("python cookbook", anchor)):
    print(f"{name:18}{r['mb_per_s']:>10.1f}{r['examples_per_s']:>14,.0f}{r['peak_rss_mb']:>14.1f}{r['seconds']:>10.2f}")
print(f"ratio (ours / python): {ours['mb_per_s'] / anchor['mb_per_s']:.1f}x throughput, "
      f"{anchor['peak_rss_mb'] / ours['peak_rss_mb']:.1f}x less memory")
print(f"tunesmith-cli data validate end to end: {float(cli_s):.2f} s, peak RSS {int(cli_kb) / 1024:.1f} MB")
PY
