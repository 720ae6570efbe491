#!/usr/bin/env bash
# Installs the Debian packages connfuzz needs, only those that are missing.
# Debian 12, as root (or with sudo). Nothing is downloaded but Debian packages.
set -euo pipefail

packages=(
  g++ clang libclang-rt-14-dev cmake ninja-build
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev
  libboost-dev libseccomp-dev
  python3 iproute2 procps afl++ chromium curl wget
  libc++-14-dev libc++abi-14-dev zip unzip binutils
  dpkg-dev pkgconf  # scripts/package.sh: dpkg-shlibdeps for the .deb; pkg-config
)
# The libraries whose connect paths are fuzzed (targets/libraries/libraries.def's dev_package).
mapfile -t -O "${#packages[@]}" packages < <(sed -n 's/^CONNFUZZ_LIBRARY([a-z0-9_]*, *\([a-z0-9.+-]*\),.*/\1/p' \
  "$(dirname "$0")/../targets/libraries/libraries.def")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-deps: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The sources of the libraries built with the fuzzers' instrumentation (a message, never a
# failure, when one cannot be had).
"$(dirname "$0")/library-sources.sh"
