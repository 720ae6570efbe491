#!/bin/sh
# Runs FUZZER on FILE and passes only if it stops (non-zero) with the finding that
# FILE's "# expect:" line names: the proof that an oracle finds the bug it looks for.
#   expect_finding.sh FUZZER FILE
set -u
fuzzer=$1 file=$2
expect=$(sed -n 's/^# expect: //p' "$file" | head -n 1)
[ -n "$expect" ] || { echo "expect_finding: $file has no '# expect:' line"; exit 2; }
output=$(timeout 60 "$fuzzer" "$file" 2>&1)
status=$?
printf '%s\n' "$output" | tail -n 40
if [ "$status" -eq 0 ]; then
  echo "expect_finding: $fuzzer ran $file without a finding; expected: $expect"; exit 1
fi
case "$expect" in
  AddressSanitizer*|uncaught*) pattern=$(echo "$expect" | sed 's/^uncaught //') ;;
  *) pattern="ERROR: connfuzz: $expect:" ;;
esac
printf '%s\n' "$output" | grep -q -- "$pattern" || { echo "expect_finding: no '$pattern' in the output"; exit 1; }
if [ "${pattern#ERROR: connfuzz}" != "$pattern" ]; then
  printf '%s\n' "$output" | grep -q "^SUMMARY: connfuzz: $expect in " || { echo "expect_finding: no SUMMARY line"; exit 1; }
fi
echo "expect_finding: found: $expect"
