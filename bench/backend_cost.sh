#!/usr/bin/env bash
# The cost of one intercepted connect(), measured in one run: the same loop of failing
# connects plain, under `strace -e inject` and under connfuzz's seccomp backend (both
# answering ECONNREFUSED without the kernel), as the loop itself times them.
#   bench/backend_cost.sh [BUILD_DIR] [CALLS]
set -euo pipefail
build=${1:-build/dev}
calls=${2:-20000}
loop="$build/bin/connect_loop"
connfuzz="$build/bin/connfuzz"
log=$(mktemp -d /tmp/connfuzz-bench-XXXXXX)
trap 'rm -rf "$log"' EXIT

per_call() { sed -n 's/.* \([0-9]*\) ns per call/\1/p'; }
plain=$("$loop" "$calls" | per_call)
strace_ns=$(strace -f -o "$log/strace.log" -e trace=connect -e inject=connect:error=ECONNREFUSED "$loop" "$calls" | per_call)
seccomp_ns=$("$connfuzz" run --backend seccomp --log "$log/connfuzz.log" --plan 'connect@*=ECONNREFUSED' -- \
  "$loop" "$calls" 2>/dev/null | per_call)
preload_ns=$("$connfuzz" run --log "$log/preload.log" --plan 'connect@*=ECONNREFUSED' -- "$loop" "$calls" 2>/dev/null | per_call)

echo "connect() calls: $calls each"
echo "plain (kernel ECONNREFUSED): $plain ns per call"
echo "strace -e inject:            $strace_ns ns per call (+$((strace_ns - plain)))"
echo "connfuzz --backend seccomp:  $seccomp_ns ns per call (+$((seccomp_ns - plain)))"
echo "connfuzz --backend preload:  $preload_ns ns per call"
awk -v s="$strace_ns" -v c="$seccomp_ns" -v p="$plain" \
  'BEGIN { printf "added cost, strace / seccomp: %.2fx\n", (s - p) / (c - p) }'
