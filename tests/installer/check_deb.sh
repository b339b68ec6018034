#!/usr/bin/env bash
# Builds the Debian package and checks its contents and metadata.
set -euo pipefail
build="$1"; gui="${2:-ON}"
out="$build/test-scratch/deb"
rm -rf "$out"; mkdir -p "$out"
(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; exit 1; }
deb=$(ls "$out"/tunesmith_*.deb | head -1)
[ -f "$deb" ] || { echo "no .deb produced"; exit 1; }
contents=$(dpkg-deb -c "$deb")
expect=(./usr/bin/tunesmith-cli ./usr/share/applications/tunesmith.desktop
        ./usr/share/icons/hicolor/scalable/apps/tunesmith.svg
        ./usr/share/tunesmith/demo/acme/train.jsonl ./usr/share/tunesmith/demo/acme/test.jsonl
        ./usr/share/metainfo/io.tunesmith.Tunesmith.metainfo.xml)
[ "$gui" = ON ] && expect+=(./usr/bin/tunesmith)
fail=0
for f in "${expect[@]}"; do
  grep -q " $f\$" <<<"$contents" || { echo "missing in package: $f"; fail=1; }
done
info=$(dpkg-deb -f "$deb" Package Version Depends)
grep -q '^Package: tunesmith$' <<<"$info" || { echo "bad Package field"; fail=1; }
grep -q '^Depends: .*libc6' <<<"$info" || { echo "Depends not computed: $info"; fail=1; }
# The installed CLI finds its demo data through ../share/tunesmith.
root="$out/root"; mkdir -p "$root"; dpkg-deb -x "$deb" "$root"
"$root/usr/bin/tunesmith-cli" demo create --out "$out/demo" 2>/dev/null || { echo "installed tunesmith-cli demo create failed"; fail=1; }
[ -f "$out/demo/data/train.jsonl" ] || { echo "demo not written from the package's data"; fail=1; }
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$root/usr/share/applications/tunesmith.desktop" || fail=1; fi
[ $fail = 0 ] && echo "package OK: $(basename "$deb")"
exit $fail
