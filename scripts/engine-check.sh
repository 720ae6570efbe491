#!/usr/bin/env bash
# For one engine: every real fuzzer runs SECONDS (default 60) without a finding other
# than a documented one, and every example fuzzer whose bug a single fault shows finds it
# within SECONDS with the verdict named for it (`connfuzz fuzzers`, from modes.def's bug
# and faults columns). An example whose bug needs a pair of faults is not asked of the
# engine (random mutation rarely assembles the pair): it is fuzzed SECONDS for false
# alarms (any verdict but its bug fails it), then the depth-2 `connfuzz sweep` must find
# its bug. Prints one line per fuzzer; exit 1 if any line says FAIL.
#
#   scripts/engine-check.sh afl|libfuzzer [SECONDS]
#
# Needs the preset of that name built (cmake --build --preset afl|libfuzzer).
# Work files go to build/engine-check/<engine>/<fuzzer>/; nothing in the source tree.
# Each crash is classified by `connfuzz repro` (documented in docs/FINDINGS.md or new).
set -uo pipefail
cd "$(dirname "$0")/.."
engine=${1:?usage: engine-check.sh afl|libfuzzer [SECONDS]}
seconds=${2:-60}
bin=build/$engine/bin
case $engine in afl|libfuzzer) ;; *) echo "engine-check: unknown engine '$engine' (afl or libfuzzer)" >&2; exit 2 ;; esac
[ -x "$bin/posix_fuzzer" ] || { echo "engine-check: $bin/posix_fuzzer missing: build the $engine preset first" >&2; exit 2; }

# Runs one fuzzer for $2 seconds ($4 = stop: stop at the first crash); prints the
# crash files it kept, one per line. AFL++ goes on after a crash by itself; libFuzzer
# is restarted on the same corpus until the time is used.
fuzz_once() {
  local fuzzer=$1 seconds=$2 work=$3 stop=$4 start left runs=0
  if [ "$engine" = afl ]; then
    rm -rf "$work/out"; mkdir -p "$work/kept"
    local until_crash=; [ "$stop" = stop ] && until_crash=1
    AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    AFL_BENCH_UNTIL_CRASH=$until_crash \
      timeout $((seconds + 30)) afl-fuzz -V "$seconds" -i "$work/in" -o "$work/out" -x fuzz/connfuzz.dict \
      -t 5000 -- "$bin/${fuzzer}_fuzzer" >>"$work/engine.log" 2>&1
    # Kept across runs (an example is run again until its own bug is found).
    find "$work/out" -path '*/crashes/id:*' -type f -exec sh -c 'cp "$1" "$2/$(date +%s%N)-$(basename "$1" | tr -c "a-zA-Z0-9\n" _)"' _ {} "$work/kept" \;
    find "$work/kept" -type f 2>/dev/null
  else
    mkdir -p "$work/crashes"; start=$(date +%s)
    while left=$((seconds - ($(date +%s) - start))); [ "$left" -gt 0 ] && [ "$runs" -lt 20 ]; do
      runs=$((runs + 1))
      timeout $((left + 30)) "$bin/${fuzzer}_fuzzer" -max_total_time="$left" -timeout=10 \
        -artifact_prefix="$work/crashes/" -dict=fuzz/connfuzz.dict "$work/in" >>"$work/engine.log" 2>&1 && break
      [ "$stop" = stop ] && break
    done
    find "$work/crashes" -type f 2>/dev/null
  fi
}

# Whether a repro log shows the verdict `bug`: its ERROR: line, or for "crash" a
# sanitizer's report or an uncaught exception (a finding that is not connfuzz's own).
shows_bug() {
  local log=$1 bug=$2
  if [ "$bug" = crash ]; then
    grep -q '^verdict: FINDING reproduces - ' "$log" && ! grep -q '^verdict: FINDING reproduces - connfuzz:' "$log"
  else
    grep -q "ERROR: connfuzz: $bug:" "$log"
  fi
}

failed=0
check() {
  local fuzzer=$1 want=$2 pair=${3:-} work=build/engine-check/$engine/$1 start crashes crash log verdict
  rm -rf "$work"; mkdir -p "$work/in"
  if [ -d "corpus/$fuzzer" ]; then
    find "corpus/$fuzzer" -type f ! -name '*.txt' -exec cp {} "$work/in/" \;
  else
    printf '\0' >"$work/in/empty"   # the examples start from nothing
  fi
  start=$(date +%s)
  verdict="clean"; local known= shown=0 also= judged=" " left=$seconds
  if [ "$want" != clean ]; then
    # Until one crash shows the verdict named for the example's bug, or the time is used;
    # every crash file is judged, and any other verdict it shows is listed.
    while [ "$left" -gt 0 ] && [ "$shown" -eq 0 ]; do
      crashes=$(fuzz_once "$fuzzer" "$left" "$work" stop)
      for crash in $crashes; do
        case $judged in *" $crash "*) continue ;; esac
        judged="$judged$crash "
        log=$work/$(basename "$crash").log
        "$bin/connfuzz" repro --target "$fuzzer" "$crash" >"$log" 2>&1
        if shows_bug "$log" "$want"; then shown=$((shown + 1))
        else also="$also$(sed -n 's/^verdict: FINDING reproduces - //p' "$log" | head -1)"$'\n'; fi
      done
      [ -n "$crashes" ] || break
      left=$((seconds - ($(date +%s) - start)))
    done
  fi
  crashes=; [ "$want" = clean ] && crashes=$(fuzz_once "$fuzzer" "$seconds" "$work" go)
  local took=$(( $(date +%s) - start ))
  for crash in $crashes; do   # every crash file of a real fuzzer is judged
    log=$work/$(basename "$crash").log
    "$bin/connfuzz" repro --target "$fuzzer" "$crash" >"$log" 2>&1
    if name=$(sed -n 's/^  documented in docs\/FINDINGS.md as //p' "$log") && [ -n "$name" ]; then
      case " $known " in *" $name "*) ;; *) known="$known $name" ;; esac; verdict="documented:$known"
    else verdict="NEW: $(sed -n 's/^verdict: //p' "$log") ($crash)"; break; fi
  done
  # A pair's example: the engine was asked for nothing; its bug is the depth-2 sweep's to find.
  local swept=
  if [ "$pair" = pair ]; then
    "$bin/connfuzz" sweep --fuzzer "$bin/${fuzzer}_fuzzer" --depth 2 --format json --out "$work/sweep.json" \
      >"$work/sweep.log" 2>&1
    swept="the depth-2 sweep did not find it as $want ($work/sweep.log)"
    grep -q "\"verdict\": *\"$want\"" "$work/sweep.json" 2>/dev/null &&
      swept="found by the depth-2 sweep as $want$([ "$shown" -gt 0 ] && echo ' (the engine found it too)')"
  fi
  local result=ok
  # Other verdicts, counted: "connfuzz: spin x3" (the crash files are in $work).
  [ -n "$also" ] && also=" $(printf '%s' "$also" | sort | uniq -c | awk '{n=$1; $1=""; printf "%s x%d;", substr($0, 2), n}')"
  if [ -n "$swept" ]; then
    verdict="$swept${also:+; the engine found:$also}"
    case $swept in found*) ;; *) result=FAIL ;; esac
  elif [ "$want" != clean ]; then
    if [ "$shown" -eq 0 ]; then result=FAIL; verdict="did not find its bug as $want${also:+; found instead:$also}"
    else verdict="found as $want${also:+; also:$also}"; fi
  else
    case $verdict in NEW*) result=FAIL ;; esac
  fi
  [ $result = FAIL ] && failed=1
  printf '%-34s %-4s %4ss  %s\n' "$fuzzer" "$result" "$took" "$verdict"
}

echo "== $engine, ${seconds}s per fuzzer, on $(nproc) cores"
# The lists come from modes.def, through `connfuzz fuzzers`.
for f in ${CONNFUZZ_CHECK:-$("$bin/connfuzz" fuzzers --kind real | cut -d' ' -f1)}; do check "$f" clean; done
while read -r f _ bug faults; do
  pair=; [ "$faults" = 2 ] && pair=pair
  check "$f" "$bug" "$pair" </dev/null
done < <("$bin/connfuzz" fuzzers --kind example)
exit $failed
