#!/bin/sh
# Re-shoot the Neuroglancer oracle fixtures (oracle/CASE.png + CASE.meta.json) from oracle/CASE.state.json.
# Not run by the tests. Needs the set-up of README.md in NG_DIR (default /tmp/ng): the app + nginx on
# 127.0.0.1:8765 (/ = app, /data/ = this repository's tests/data/), puppeteer-core and ng_shoot.mjs in NG_DIR.
# Every case is shot twice (two browser runs); a case whose two PNGs differ is reported and not copied.
# Usage: tests/data/neuroglancer/shoot.sh [CASE...]     (default: every case of cases.txt)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
NG_DIR=${NG_DIR:-/tmp/ng}
RUN=$(mktemp -d "${TMPDIR:-/tmp}/ngshoot.XXXXXX")
mkdir -p "$RUN/a" "$RUN/b"
cases=$(if [ $# -gt 0 ]; then for c in "$@"; do grep "^$c " "$HERE/cases.txt"; done; else cat "$HERE/cases.txt"; fi)
# one ng_shoot.mjs call per panel size, twice
for size in $(echo "$cases" | awk '{print $2 "x" $3}' | sort -u); do
  w=${size%x*}; h=${size#*x}
  files=$(echo "$cases" | awk -v w="$w" -v h="$h" -v d="$HERE/oracle" '$2 == w && $3 == h {print d "/" $1 ".state.json"}')
  for pass in a b; do
    (cd "$NG_DIR" && PANEL_W=$w PANEL_H=$h node ng_shoot.mjs "$RUN/$pass" $files)
  done
done
status=0
for name in $(echo "$cases" | awk '{print $1}'); do
  if [ ! -f "$RUN/a/$name.png" ] || [ ! -f "$RUN/b/$name.png" ]; then
    echo "$name: NOT SHOT"; status=1
  elif cmp -s "$RUN/a/$name.png" "$RUN/b/$name.png"; then
    cp "$RUN/a/$name.png" "$RUN/a/$name.meta.json" "$HERE/oracle/"
    echo "$name: ok (two shots byte-identical)"
  else
    echo "$name: NOT DETERMINISTIC (two shots differ), kept in $RUN"; status=1
  fi
done
exit $status
