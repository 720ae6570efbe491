#!/usr/bin/env bash
# Fetches the Debian source packages of targets/libraries/libraries.def (the rows whose
# source_package is not none) at the version of the binary package installed, into
# build/library-sources/<source_package>/, where CMake builds them with the fuzzer's
# instrumentation. apt fetches them from the machine's own Debian archive with a private
# configuration (deb-src lines beside the machine's deb lines, lists kept under build/):
# the machine's apt configuration is not changed. apt checks the signed Sources index and
# the files' hashes; dpkg-source checks them again as it unpacks.
#
# A source that cannot be had leaves the library to its binary package: a message says so
# and the build goes on (CMake prints which one each library uses).
set -uo pipefail
cd "$(dirname "$0")/.."
dest=$(realpath -m "${CONNFUZZ_LIBRARY_SOURCES:-build/library-sources}")
apt_dir=$dest/.apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts" "$dest"

rows=$(sed -n 's/^CONNFUZZ_LIBRARY(\([a-z0-9_]*\), *\([a-z0-9.+-]*\), *\([a-z0-9.+-]*\)).*/\1 \2 \3/p' \
  targets/libraries/libraries.def)

# The wanted version of each source package: that of its installed -dev package.
wanted() {
  dpkg-query -W -f='${Status} ${source:Version}\n' "$1" 2>/dev/null | sed -n 's/^install ok installed //p'
}

apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/parts"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1
  -o APT::Sandbox::User=root)
updated=0
update_lists() {
  [ "$updated" -eq 1 ] && return 0
  # The machine's Debian sources, as deb-src.
  : >"$apt_dir/parts/debian-src.sources"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed 's/^Types: deb$/Types: deb-src/' "$f" >>"$apt_dir/parts/debian-src.sources" &&
      echo >>"$apt_dir/parts/debian-src.sources"
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$apt_dir/parts/debian-src.list"
  fi
  apt-get "${apt_opts[@]}" update -qq >"$apt_dir/update.log" 2>&1 || return 1
  updated=1
}

# Downloads (apt checks the hashes against the signed Sources index) and unpacks (dpkg-source
# checks them again against the .dsc) into $3/tree.
fetch_source() {
  update_lists >"$3/log" 2>&1 || { echo "apt-get update failed: $(tail -1 "$apt_dir/update.log")" >>"$3/log"; return 1; }
  (cd "$3" && apt-get "${apt_opts[@]}" source -qq --download-only "$1=$2") >>"$3/log" 2>&1 || return 1
  dpkg-source -x "$3"/*.dsc "$3/tree" >>"$3/log" 2>&1
}

while read -r family dev source; do
  [ "$source" = none ] && continue
  version=$(wanted "$dev")
  if [ -z "$version" ]; then
    echo "library-sources: $family: $dev is not installed; nothing to fetch" >&2
    continue
  fi
  tree=$dest/$source
  if [ "$(cat "$tree/.connfuzz-debian-version" 2>/dev/null)" = "$version" ]; then continue; fi
  echo "library-sources: fetching Debian's $source $version for $family" >&2
  work=$(mktemp -d "$dest/.fetch-XXXXXX")
  if fetch_source "$source" "$version" "$work"; then
    rm -rf "$tree"
    mv "$work/tree" "$tree"
    echo "$version" >"$tree/.connfuzz-debian-version"
  else
    echo "library-sources: could not fetch Debian's $source $version: $(tail -1 "$work/log")" >&2
    echo "library-sources: $family will be linked against the installed $dev, without coverage inside the library." >&2
  fi
  rm -rf "$work"
done <<<"$rows"
