#!/usr/bin/env bash
# The main job: build the fuzzers with libFuzzer (ASan+UBSan) and fuzz every real
# target for a short time (CONNFUZZ_SECONDS each, default 30), then print one line
# per target: executions, exec/s, the share of inputs whose connect the kernel answered
# (the rest the plan answered, or socket() failed first), findings (new / documented in
# docs/FINDINGS.md) and the errno classes of the table whose faults fired.
#
# Before fuzzing, a depth-1 `connfuzz sweep` of each fuzzer: one file per distinct
# finding in build/fuzz-work/<fuzzer>/findings/, counted in the same line.
#
# A crash does not end a target's time: it is kept in build/fuzz-work/<fuzzer>/findings/
# and fuzzing resumes. The corpus grows in build/fuzz-work/<fuzzer>/corpus/ (seeded
# from corpus/<fuzzer>/); nothing is written into the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh

seconds=${CONNFUZZ_SECONDS:-30}
fuzzers=${CONNFUZZ_FUZZERS:-$(scripts/real-fuzzers.sh | tr '\n' ' ')}
echo "== building the libfuzzer preset"
cmake --preset libfuzzer >/dev/null
cmake --build --preset libfuzzer -j "$(nproc)" >/dev/null

work=build/fuzz-work
summary=$(mktemp /tmp/connfuzz-summary-XXXXXX)
trap 'rm -f "$summary"' EXIT
new_total=0
for fuzzer in $fuzzers; do
  if [ ! -x build/libfuzzer/bin/"${fuzzer}"_fuzzer ]; then
    # A library family configure skipped (its -dev package missing): say so, go on.
    read -r _ package < <(grep "^$fuzzer " build/libfuzzer/bin/skipped-fuzzers.txt 2>/dev/null || echo "-")
    echo "== skipping $fuzzer: not built${package:+ ($package was not installed when the build was configured)}"
    continue
  fi
  dir=$work/$fuzzer
  mkdir -p "$dir/corpus" "$dir/findings" "$dir/runs"
  find corpus/"$fuzzer" -type f ! -name "*.txt" -exec cp -n {} "$dir/corpus/" \;
  # Every single fault at every call the fuzzer's seeds make, first: its findings are
  # kept in findings/ beside the fuzzing's crashes and counted with them.
  echo "== sweeping $fuzzer (depth 1)"
  rm -f "$dir/sweep.json"
  build/libfuzzer/bin/connfuzz sweep --fuzzer build/libfuzzer/bin/"${fuzzer}"_fuzzer --save "$dir/findings" \
    --format json --out "$dir/sweep.json" 2>"$dir/sweep.log" || [ $? -eq 1 ] || echo "   sweep failed: $(tail -1 "$dir/sweep.log")"
  read -r new known < <(python3 - "$dir/sweep.json" <<'PY'
import json, sys
try:
    saved = json.load(open(sys.argv[1]))["saved"]
except (OSError, ValueError, KeyError):
    saved = []
for s in saved:
    if not s["documented"]:
        print(f"   NEW FINDING (sweep): {s['verdict']}: {s['file']} (connfuzz repro {s['file']})", file=sys.stderr, flush=True)
print(sum(not s["documented"] for s in saved), sum(bool(s["documented"]) for s in saved))
PY
)
  echo "== fuzzing $fuzzer for ${seconds}s"
  start=$(date +%s)
  run=0
  while :; do
    left=$((seconds - ($(date +%s) - start)))
    [ "$left" -gt 0 ] && [ "$run" -lt 50 ] || break
    run=$((run + 1))
    log=$dir/runs/$run.log
    status=0
    CONNFUZZ_STATS=$dir/runs/$run.json timeout $((left + 60)) build/libfuzzer/bin/"${fuzzer}"_fuzzer \
      -max_total_time="$left" -timeout=10 -print_final_stats=1 -artifact_prefix="$dir/findings/" \
      -dict=fuzz/connfuzz.dict "$dir/corpus" >"$log" 2>&1 || status=$?
    [ "$status" -eq 0 ] && break
    # The crash file libFuzzer kept, judged by `connfuzz repro` (documented or new).
    crash=$(sed -n "s/.*Test unit written to \(.*\)/\1/p" "$log" | tail -1)
    build/libfuzzer/bin/connfuzz repro --target "$fuzzer" "${crash:-/dev/null}" >"$log.repro" 2>&1 || true
    name=$(sed -n 's/^  documented in docs\/FINDINGS.md as //p' "$log.repro")
    if [ -n "$name" ]; then
      known=$((known + 1)); echo "   documented finding ($name), resuming"
    else
      new=$((new + 1)); echo "   NEW FINDING: $(grep -m1 -E 'ERROR: ' "$log")"; echo "   crash: $crash (connfuzz repro $crash)"
    fi
  done
  elapsed=$(( $(date +%s) - start ))
  python3 - "$fuzzer" "$elapsed" "$new" "$known" "$dir/runs" >>"$summary" <<'PY'
import json, pathlib, re, sys
fuzzer, elapsed, new, known, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), pathlib.Path(sys.argv[5])
execs, classes, rows, total_rows, judged, kernel = 0, set(), 0, 0, 0, 0
for log in runs.glob("*.log"):
    m = re.findall(r"stat::number_of_executed_units: (\d+)", log.read_text(errors="replace"))
    execs += int(m[-1]) if m else 0
for stats in runs.glob("*.json"):
    data = json.loads(stats.read_text())
    classes |= set(data["classes"]); rows = max(rows, data["rows_fired"]); total_rows = data["rows"]
    judged += data["executions"]; kernel += data["kernel_inputs"]
rate = execs / elapsed if elapsed else 0
share = f"{100 * kernel / judged:.0f}%" if judged else "-"
print(f"{fuzzer:<10} {execs:>10} {rate:>9.0f} {share:>7} {new:>5} {known:>6}   {rows:>3}/{total_rows:<3}  {', '.join(sorted(classes)) or '-'}")
PY
  new_total=$((new_total + new))
  rm -rf "$dir/runs"
done
echo
printf '%-10s %10s %9s %7s %5s %6s   %-7s  %s\n' FUZZER EXECUTIONS EXEC/S KERNEL NEW KNOWN ROWS "ERRNO CLASSES EXERCISED"
cat "$summary"

# The errno coverage of the seed corpus, of every finding, documented or kept today, and of the sweeps.
findings=(--findings docs/findings)
for fuzzer in $fuzzers; do
  [ -n "$(ls -A "$work/$fuzzer/findings" 2>/dev/null)" ] && findings+=(--findings "$work/$fuzzer/findings")
done
# Exit 1 means a new finding among them, already counted above; anything else is a failure.
sweeps=()
for fuzzer in $fuzzers; do
  [ -s "$work/$fuzzer/sweep.json" ] && sweeps+=(--sweep "$work/$fuzzer/sweep.json")
done
build/libfuzzer/bin/connfuzz report "${findings[@]}" "${sweeps[@]}" --out "$work/report.md" --out "$work/report.html" || [ $? -eq 1 ]
echo
sed -n '/^## Per target/,/^## Row by row/p' "$work/report.md" | sed '$d'
echo "The whole report: $work/report.md and $work/report.html (one row per errno of the table)."
echo
echo "main-job: $new_total new findings (documented ones: docs/FINDINGS.md; crash files: $work/*/findings/)"
[ "$new_total" -eq 0 ]
