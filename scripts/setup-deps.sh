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

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
