#!/bin/sh
# Real time per input of the plan actions (issue 8): each file in its fuzzer's own
# process, start-up included, then all posix action seeds in one process.
#   bench/action_inputs.sh [BUILD_DIR]     (default build/dev)
set -eu
build=${1:-build/dev}
ms() { echo $(( ($2 - $1) / 1000000 )); }
time_one() {  # FUZZER FILE
  start=$(date +%s%N)
  "$build/bin/$1_fuzzer" "$2" >/dev/null 2>&1 || true  # a finding file aborts: expected
  end=$(date +%s%N)
  printf '%6d ms  %-30s %s\n' "$(ms "$start" "$end")" "$1" "$(sed -n 's/^plan=//p' "$2")"
}
for f in corpus/posix/action-*.txt; do time_one posix "$f"; done
for f in corpus/asio/action-*.txt; do time_one asio "$f"; done
for n in cancel_no_cleanup cancel_keeps_lock timeout_not_reduced timeout_on_eintr sndtimeo_as_success sndtimeo_as_failure; do
  time_one "example_$n" "tests/fuzz/findings/example_$n.txt"
  time_one "example_$n" "corpus/example_$n/near-miss.txt"
done
start=$(date +%s%N)
"$build/bin/posix_fuzzer" corpus/posix/action-*.txt >/dev/null 2>&1
end=$(date +%s%N)
echo "all $(ls corpus/posix/action-*.txt | wc -l) posix action seeds in one process: $(ms "$start" "$end") ms"
