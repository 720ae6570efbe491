#!/usr/bin/env bash
# The sweep's speed (issue 21): cells/s of `connfuzz sweep` against `connfuzz matrix` on
# the same buggy example (the matrix on example_client STYLE, a process per cell; the
# sweep on example_STYLE_fuzzer, in-process), with the matrix's errno cells and then with
# its actions too (the sweep has both); then a depth-2 sweep of each real fuzzer.
# WHOLE: wall time of the whole command, start-up included (the median of REPS runs),
# read from bash's $EPOCHREALTIME around the command alone: its output goes to a file
# and is read after the clock stops (a `date` process at each end and a pipeline into
# sed were ~1.5 ms of what earlier runs counted, a seventh of a ~115-cell sweep);
# DEPTH 1: the sweep's own time for its depth-1 cells, once its workers run (its summary
# line on stderr, same median run). The matrix and the sweep of an example run in turn,
# each REPS times, so that a drift in the machine's speed (a VM's neighbours) moves both.
# --jobs 2 throughout, but where one worker and two are compared.
#   bench/sweep_speed.sh [BUILD_DIR] [REPS]     (default build/dev 5)
set -eu
build=${1:-build/dev}
reps=${2:-5}
bin=$build/bin
err=$(mktemp /tmp/connfuzz-sweep-bench-XXXXXX)
trap 'rm -f "$err" "$err".*' EXIT
# NS: the wall time of one run of "$@" (stdout to $err.out, stderr to $1 first).
time_once() {
  local into=$1
  shift
  local start=$EPOCHREALTIME
  "$@" >"$err.out" 2>"$into" || true
  local end=$EPOCHREALTIME
  # seconds, the locale's decimal point, six digits: its digits alone are microseconds
  echo $(( (${end//[!0-9]/} - ${start//[!0-9]/}) * 1000 ))
}
# N, from the first output line "N cells..." of the run just timed.
cells_of_last_run() { sed -n 's/^\([0-9]*\) cells[: ].*/\1/p' "$err.out" | head -1; }
# "NS RUN" of the median of "NS:RUN NS:RUN ...".
median_of() { echo $1 | tr ' ' '\n' | sort -n | sed -n "$(( (reps + 1) / 2 ))p" | tr ':' ' '; }
# CELLS MEDIAN_NS: runs "$@" REPS times; the stderr of the median run is left in $err.
measure() {
  local i=0 times="" cells
  while [ "$i" -lt "$reps" ]; do
    times="$times $(time_once "$err.$i" "$@"):$i"
    cells=$(cells_of_last_run)
    i=$((i + 1))
  done
  set -- $(median_of "$times")
  cp "$err.$2" "$err"
  echo "$cells $1"
}
# The matrix and the sweep of one example, run in turn (matrix, sweep, matrix, ...) so
# that both see the same load on a machine whose speed drifts: MATRIX_CELLS MATRIX_NS
# SWEEP_CELLS SWEEP_NS, medians of REPS each; the sweep's median stderr in $err.
measure_in_turn() {
  local style=$1 actions=$2 i=0 mtimes="" stimes="" mcells scells mt
  while [ "$i" -lt "$reps" ]; do
    mtimes="$mtimes $(time_once /dev/null "$bin/connfuzz" matrix --jobs 2 $actions -- "$bin/example_client" "$style"):$i"
    mcells=$(cells_of_last_run)
    stimes="$stimes $(time_once "$err.$i" "$bin/connfuzz" sweep --fuzzer "$bin/example_${style}_fuzzer" --jobs 2):$i"
    scells=$(cells_of_last_run)
    i=$((i + 1))
  done
  set -- $(median_of "$mtimes")
  mt=$1
  set -- $(median_of "$stimes")
  cp "$err.$2" "$err"
  echo "$mcells $mt $scells $1"
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }
ms() { awk -v t="$1" 'BEGIN { printf "%.1f", t / 1e6 }'; }
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %-8s | %5s %7s %7s | %5s %6s %7s %6s | %9s %6s\n' EXAMPLE CELLS MATRIX MS CELLS/S SWEEP MS CELLS/S RATIO "DEPTH1/S" RATIO
for style in leak_on_refused eintr_reconnect no_so_error unknown_errno; do
  for actions in "" "--actions signal,delay,cancel"; do
    set -- $(measure_in_turn "$style" "$actions")
    m=$1 mt=$2 s=$3 st=$4
    d1=$(sed -n 's/.*depth 1: \([0-9]*\) in \([0-9.]*\) ms.*/\1 \2/p' "$err")
    d1rate=$(echo "$d1" | awk '{ printf "%.0f", $1 / ($2 / 1e3) }')
    mrate=$(rate "$m" "$mt") srate=$(rate "$s" "$st")
    printf '%-16s %-8s | %5s %7s %7s | %5s %6s %7s %5sx | %9s %5sx\n' "$style" \
      "$([ -n "$actions" ] && echo +actions || echo errnos)" "$m" "$(ms "$mt")" "$mrate" "$s" "$(ms "$st")" "$srate" \
      "$(awk -v a="$srate" -v b="$mrate" 'BEGIN { printf "%.0f", a / b }')" "$d1rate" \
      "$(awk -v a="$d1rate" -v b="$mrate" 'BEGIN { printf "%.0f", a / b }')"
  done
done
echo
# A second worker starts only when the sweep's own measures say it pays (sweep_workers.cc):
# the same sweeps with one worker and with two allowed, and how many the latter started.
printf '%-28s %6s | %8s %8s %8s\n' "ONE WORKER OR TWO" CELLS "JOBS1 MS" "JOBS2 MS" STARTED
for spec in "example_unknown_errno 1" "posix 2"; do
  set -- $spec
  set -- $(measure "$bin/connfuzz" sweep --fuzzer "$bin/${1}_fuzzer" --depth "$2" --jobs 1) "$1" "$2"
  one=$2
  set -- $(measure "$bin/connfuzz" sweep --fuzzer "$bin/${3}_fuzzer" --depth "$4" --jobs 2) "$3" "$4"
  printf '%-28s %6s | %8s %8s %8s\n' "$3 depth $4" "$1" "$(ms "$one")" "$(ms "$2")" \
    "$(sed -n 's/.*, \([0-9]* of [0-9]*\) workers.*/\1/p' "$err")"
done
echo
printf '%-10s %8s %10s\n' FUZZER CELLS SECONDS
for fuzzer in $(scripts/real-fuzzers.sh); do
  set -- $(reps=1 measure "$bin/connfuzz" sweep --fuzzer "$bin/${fuzzer}_fuzzer" --depth 2 --jobs 2)
  printf '%-10s %8s %10s\n' "$fuzzer" "$1" "$(awk -v t="$2" 'BEGIN { printf "%.2f", t / 1e9 }')"
done
