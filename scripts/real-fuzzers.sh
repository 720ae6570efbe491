#!/usr/bin/env bash
# Prints the real connect fuzzers, one per line, from fuzz/modes.def (families whose bug
# column is none), for scripts that run where the `connfuzz` command is not built
# (OSS-Fuzz's image). Where it is built, `connfuzz fuzzers --kind real` says the same.
set -euo pipefail
modes="$(dirname "$0")/../fuzz/modes.def"
sed -n 's/^CONNFUZZ_MODE([0-9]*, *[a-z_0-9]*, *\([a-z_0-9]*\), *none,.*/\1/p' "$modes" |
  awk '!seen[$0]++'
