#!/bin/sh
# Executions per second of each real fuzzer, one after the other on the same machine:
#   bench/fuzzer_speed.sh [BUILD_DIR] [SECONDS]   (default build/libfuzzer-plain, 10)
# Each starts from a fresh copy of its seed corpus (binary files only) and fuzzes for
# SECONDS. A finding that stops the process (a documented spin in Asio's reactor does)
# starts it again on the grown corpus, as the main job does, until the time is used;
# the line per fuzzer sums its runs: executions, executions per wall-clock second,
# the share of inputs whose connect the kernel answered (the harness's stats file),
# and how many runs ended on a finding.
set -eu
build=${1:-build/libfuzzer-plain}
seconds=${2:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/connfuzz-speed-XXXXXX")
trap 'rm -rf "$work"' EXIT
for fuzzer in $("$(dirname "$0")/../scripts/real-fuzzers.sh"); do
  binary="$build/bin/${fuzzer}_fuzzer"
  if [ ! -x "$binary" ]; then
    echo "fuzzer_speed: $binary is not built (cmake --build --preset ...)" >&2
    exit 2
  fi
  mkdir -p "$work/$fuzzer"
  find "corpus/$fuzzer" -type f ! -name '*.txt' -exec cp {} "$work/$fuzzer/" \;
  start=$(date +%s%N)
  end=$((start + seconds * 1000000000))
  executions=0 judged=0 kernel=0 stops=0 runs=0
  while now=$(date +%s%N) && [ "$now" -lt "$end" ] && [ "$runs" -lt 50 ]; do
    runs=$((runs + 1))
    left=$(( (end - now + 999999999) / 1000000000 ))
    rm -f "$work/stats.json"
    CONNFUZZ_STATS="$work/stats.json" "$binary" -max_total_time="$left" -print_final_stats=1 \
      -artifact_prefix="$work/" -dict=fuzz/connfuzz.dict "$work/$fuzzer" >"$work/log" 2>&1 || stops=$((stops + 1))
    units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
    executions=$((executions + ${units:-0}))
    # A run that aborts writes no exit stats: its file is from its last 4096th input, if any.
    counts=$(sed -n 's/.*"executions": \([0-9]*\).*"kernel_inputs": \([0-9]*\).*/\1 \2/p' "$work/stats.json" 2>/dev/null || true)
    counts=${counts:-0 0}
    judged=$((judged + ${counts%% *}))
    kernel=$((kernel + ${counts##* }))
    find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \) -delete
  done
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  rate=$((executions * 1000 / elapsed_ms))
  share=$(awk -v k="$kernel" -v n="$judged" 'BEGIN { if (n > 0) printf "%.0f%%", 100 * k / n; else print "?" }')
  printf '%-9s %10s executions %8s exec/s %5s reached the kernel  %s stopped by a finding\n' \
    "$fuzzer" "$executions" "$rate" "$share" "$stops"
done
