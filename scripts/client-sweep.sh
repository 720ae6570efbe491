#!/usr/bin/env bash
# Runs the bundled correct client under `connfuzz run` with a fault
# plan for every connect errno of the table, and prints what happened to each.
# (connfuzz run on a program nobody rebuilt; the main job fuzzes instead.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh

cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)" --target connfuzz connfuzz_preload correct_client >/dev/null
bin=build/dev/bin
client="$bin/correct_client"

# A client's outcome under a plan: ok (connected), failed-cleanly (exit 1 with a
# message), or a finding (crash, hang, anything else).
printf '%-42s %-18s %-8s %-10s %s\n' PLAN CLASS STATUS INJECTED VERDICT
findings=0
total=0
log=$(mktemp /tmp/connfuzz-client-sweep-XXXXXX)
trap 'rm -f "$log"' EXIT
while read -r call err class _; do
  [ "$call" = connect ] || continue
  for plan in "connect@1=$err" "connect@1=$err mode=any"; do
    total=$((total + 1))
    summary=$("$bin/connfuzz" run --timeout 20 --plan "$plan" --log "$log" -- "$client" 2>&1 >/dev/null | tail -1) && status=0 || status=$?
    injected=$(sed -n 's/.* \([0-9]*\) injected.*/\1/p' <<<"$summary")
    case $status in
      0) verdict=ok ;;
      1) verdict=failed-cleanly ;;
      *) verdict="FINDING"; findings=$((findings + 1)) ;;
    esac
    # A still-connecting fault never justifies a failure.
    if [ "$class" = still-connecting ] && [ "$status" -ne 0 ] && [ "${injected:-0}" -gt 0 ]; then
      verdict="FINDING (gave up on $err)"; findings=$((findings + 1))
    fi
    printf '%-42s %-18s %-8s %-10s %s\n' "$plan" "$class" "$status" "${injected:-0}" "$verdict"
  done
done < <("$bin/connfuzz" errnos connect | tail -n +2)
echo
echo "client-sweep: $total runs of correct_client, $findings findings"
[ "$findings" -eq 0 ]
