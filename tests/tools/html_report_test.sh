#!/bin/sh
# The HTML report as a person sees it: Debian's Chromium, headless, loads the page; the
# DOM it built must hold the grid (a target per mode of the real fuzzers, every row of the table, the 29 connect()
# rows) and the legend, and a screenshot is left in OUT_DIR for a look.
#   html_report_test.sh CONNFUZZ OUT_DIR
set -eu
connfuzz=$1 out=$2
rm -rf "$out"; mkdir -p "$out"
command -v chromium >/dev/null || { echo "chromium is missing: scripts/setup-deps.sh installs it"; exit 1; }
"$connfuzz" report --format html --out "$out/report.html" 2>/dev/null || [ $? -eq 1 ]

browse() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$out/profile" "$@" "file://$out/report.html" 2>"$out/chromium.log"
}
browse --dump-dom >"$out/dom.html"
browse --window-size=1400,2600 --screenshot="$out/report.png" >/dev/null

count() { grep -o "$1" "$out/dom.html" | wc -l; }
rows=$("$connfuzz" errnos --json | grep -c '"call"')
targets=$("$connfuzz" fuzzers --kind real --json | sed -n 's/.*"modes": *\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n }')
fail=0
check() { if [ "$2" -eq "$3" ]; then echo "ok: $1 ($2)"; else echo "FAIL: $1: $2, expected $3"; fail=1; fi; }
check "target columns in the grid" "$(count '<th class="target">')" "$targets"
check "rows of the errno table in the grid" "$(count '<tr class="connect">\|<tr class="other">')" "$rows"
check "connect() rows" "$(count '<tr class="connect">')" 29
check "legend entries" "$(count '<span class="\(handled\|documented\|finding\|untested\)">')" 4
check "handled cells" "$( [ "$(count 'class="cell handled"')" -gt 0 ] && echo 1 || echo 0)" 1
# A PNG (its 8-byte signature) of some substance: a blank page is a few kB.
check "screenshot is a PNG" "$(head -c 8 "$out/report.png" | od -An -tx1 | tr -d ' \n' | grep -c '^89504e470d0a1a0a$')" 1
check "screenshot has content" "$( [ "$(stat -c %s "$out/report.png")" -gt 50000 ] && echo 1 || echo 0)" 1
echo "screenshot: $out/report.png"
exit $fail
