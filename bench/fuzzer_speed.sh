#!/bin/sh
# Executions per second of each real fuzzer, one after the other on the same machine:
#   bench/fuzzer_speed.sh [BUILD_DIR] [SECONDS]   (default build/libfuzzer-plain, 10)
# Each starts from a fresh copy of its seed corpus (binary files only) and runs
# SECONDS with -print_final_stats=1; the line per fuzzer is its executions and exec/s.
set -eu
build=${1:-build/libfuzzer-plain}
seconds=${2:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/connfuzz-speed-XXXXXX")
trap 'rm -rf "$work"' EXIT
for fuzzer in kernel posix datagram endpoint asio; do
  binary="$build/bin/${fuzzer}_fuzzer"
  if [ ! -x "$binary" ]; then
    echo "fuzzer_speed: $binary is not built (cmake --build --preset ...)" >&2
    exit 2
  fi
  mkdir -p "$work/$fuzzer"
  find "corpus/$fuzzer" -type f ! -name '*.txt' -exec cp {} "$work/$fuzzer/" \;
  stats=$("$binary" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/" \
            -dict=fuzz/connfuzz.dict "$work/$fuzzer" 2>&1 | grep '^stat::' || true)
  runs=$(printf '%s\n' "$stats" | sed -n 's/^stat::number_of_executed_units: *//p')
  rate=$(printf '%s\n' "$stats" | sed -n 's/^stat::average_exec_per_sec: *//p')
  stopped=""
  artifact=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \) | head -1)
  if [ -n "$artifact" ]; then
    stopped="  (stopped early on a finding; the rate is over the time it ran)"
    find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \) -delete
  fi
  printf '%-9s %10s executions %8s exec/s%s\n' "$fuzzer" "${runs:-?}" "${rate:-?}" "$stopped"
done
