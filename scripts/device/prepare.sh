#!/usr/bin/env bash
# Packs what a GPU device machine needs to run align4j into the git-ignored folder .device/ at the repository root.
# Runs here, on the developer machine (JDK 17 with jlink, javac and Maven). See docs/GPU.md.
#
#   scripts/device/prepare.sh --djl-src DIR [--skip-build]
#
# DIR is a checkout of DJL (github.com/deepjavalibrary/djl) at tag v0.35.1, the DJL version in our pom. DJL's PyTorch
# JNI sources live there under engines/pytorch/pytorch-native/; they are not part of this repository.
#
# What ends up in .device/ (the device tool carries it with `carry: [".device"]`):
#   runtime.tar.xz   a jlink Java runtime (the device has no Java), xz-packed to fit the 64 MiB travel limit
#   app/             app/target/align4j.jar and lib/*.jar, minus pytorch-native-cpu-*.jar (a CPU libtorch)
#   djl/             DJL's pytorch-native CMake project + api/src/main/native/djl/utils.h, with the JNI header
#                    generated here by javac -h (the device has no javac)
#   jni-include/     jni.h and jni_md.h from this JDK (the runtime is linked --no-header-files)
#   probe/           DeviceProbe.class, a DJL-only smoke test (device-run.sh probe)
#   manifest.txt     versions and sizes, for the record
set -euo pipefail

die() { echo "prepare.sh: $*" >&2; exit 2; }
say() { echo "prepare.sh: $*" >&2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
djl_src=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --djl-src) [ $# -ge 2 ] || die "--djl-src needs a directory"; djl_src="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$djl_src" ] || die "--djl-src DIR is required: a checkout of github.com/deepjavalibrary/djl at tag v0.35.1
  e.g. git clone --depth 1 --branch v0.35.1 https://github.com/deepjavalibrary/djl.git ../djl-0.35.1"
native="$djl_src/engines/pytorch/pytorch-native"
lib_java="$djl_src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
utils_h="$djl_src/api/src/main/native/djl/utils.h"
for f in "$native/CMakeLists.txt" "$native/src/main/native" "$lib_java" "$utils_h"; do
  [ -e "$f" ] || die "$f not found: is '$djl_src' a DJL checkout?"
done
for tool in jlink javac javap xz; do
  command -v "$tool" >/dev/null || die "'$tool' not on PATH"
done
jdk_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
[ -f "$jdk_home/include/jni.h" ] || die "no jni.h under $jdk_home/include"

# 1. jars. mvn is offline (-o): the dependencies are already in the local repository after a normal build.
if [ "$build" = 1 ]; then
  say "building the jars (mvn -q -B -o -DskipTests install) ..."
  (cd "$root" && mvn -q -B -o -DskipTests install) >&2
fi
target="$root/app/target"
[ -f "$target/align4j.jar" ] && [ -d "$target/lib" ] || die "no $target/align4j.jar or lib/: build first (drop --skip-build)"

# The JNI sources must be the ones the Java side calls: compare PyTorchLibrary's native methods in the checkout with
# those in the pytorch-engine jar we ship. A checkout at another tag differs here, and the mismatch would only show
# on the device as UnsatisfiedLinkError.
engine_jar="$(ls "$target"/lib/pytorch-engine-*.jar 2>/dev/null | head -n 1)"
[ -n "$engine_jar" ] || die "no pytorch-engine-*.jar in $target/lib"
djl_version="$(basename "$engine_jar" .jar)"; djl_version="${djl_version#pytorch-engine-}"

out="$root/.device"
exclude="$(cd "$root" && git rev-parse --git-path info/exclude)"
case "$exclude" in /*) ;; *) exclude="$root/$exclude" ;; esac
mkdir -p "$(dirname "$exclude")"
grep -qx '/.device/' "$exclude" 2>/dev/null || echo '/.device/' >>"$exclude"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

say "generating the JNI header from $lib_java ..."
javac -h "$scratch/include" -d "$scratch/classes" "$lib_java"
natives() { javap -p -cp "$1" ai.djl.pytorch.jni.PyTorchLibrary | grep ' native ' | sort; }
if ! diff <(natives "$scratch/classes") <(natives "$engine_jar") >"$scratch/natives.diff"; then
  head -n 20 "$scratch/natives.diff" >&2
  die "PyTorchLibrary's native methods in '$djl_src' differ from $(basename "$engine_jar"): check out DJL tag v$djl_version"
fi

rm -rf "$out"
mkdir -p "$out/app/lib" "$out/jni-include/linux"
say "copying DJL's pytorch-native sources ..."
dst="$out/djl/engines/pytorch/pytorch-native"
mkdir -p "$dst/build/include" "$out/djl/api/src/main/native/djl"
cp "$native/CMakeLists.txt" "$dst/"
cp -r "$native/src" "$dst/"
rm -rf "$dst/src/main/java"   # only the C++ side is built there
cp "$scratch/include/"*.h "$dst/build/include/"
cp "$utils_h" "$out/djl/api/src/main/native/djl/"
cp "$jdk_home/include/jni.h" "$out/jni-include/"
cp "$jdk_home/include/linux/jni_md.h" "$out/jni-include/linux/"

say "compiling scripts/device/DeviceProbe.java ..."
mkdir -p "$out/probe"
javac -d "$out/probe" -cp "$(ls "$target"/lib/api-*.jar | head -n 1)" "$root/scripts/device/DeviceProbe.java"

say "making the jlink runtime ..."
jlink --add-modules java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$scratch/runtime"
"$scratch/runtime/bin/java" -version 2>&1 | head -n 1 | sed 's/^/prepare.sh: runtime: /' >&2
runtime_kib="$(du -sk "$scratch/runtime" | cut -f1)"
[ "$runtime_kib" -lt 51200 ] || die "jlink runtime is $((runtime_kib / 1024)) MiB; expected about 40"
tar -C "$scratch/runtime" -cf - . | xz -T2 -6 >"$out/runtime.tar.xz"

say "collecting the jars ..."
cp "$target/align4j.jar" "$out/app/"
for jar in "$target"/lib/*.jar; do
  case "$(basename "$jar")" in
    pytorch-native-cpu-*) continue ;;   # a CPU libtorch; the device uses its own CUDA libtorch
  esac
  cp "$jar" "$out/app/lib/"
done
# DJL's tokenizers jar bundles its Rust library for four platforms (about 13 MiB of the 18); the device is x86-64 Linux.
tok="$(ls "$out"/app/lib/tokenizers-*.jar 2>/dev/null | head -n 1)"
if [ -n "$tok" ] && command -v zip >/dev/null; then
  zip -q -d "$tok" 'native/lib/osx-*' 'native/lib/win-*' 'native/lib/linux-aarch64/*' >/dev/null || true
fi

{
  echo "made: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "align4j commit: $(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet HEAD || echo ' (with uncommitted changes)')"
  echo "djl: $djl_version ($(cd "$djl_src" && git describe --tags 2>/dev/null || echo 'not a git checkout'))"
  echo "jdk: $("$jdk_home/bin/java" -version 2>&1 | head -n 1)"
  echo "jlink runtime: $((runtime_kib / 1024)) MiB unpacked"
  echo "jars: align4j.jar and lib/:"; ls "$out/app/lib" | sed 's/^/  /'
} >"$out/manifest.txt"

# What one device call carries: the working tree git would send (tracked + untracked-not-ignored) plus .device.
tree_kib="$(cd "$root" && git ls-files -z -co --exclude-standard | du -ck --files0-from=- 2>/dev/null | tail -n 1 | cut -f1)"
dev_kib="$(du -sk "$out" | cut -f1)"
total_kib=$((tree_kib + dev_kib)); limit_kib=$((64 * 1024))
printf 'prepare.sh: .device %d MiB (runtime.tar.xz %d, app %d, djl+headers %d) + working tree %d MiB = %d MiB of the 64 MiB a device call may carry\n' \
  $((dev_kib / 1024)) $(($(du -sk "$out/runtime.tar.xz" | cut -f1) / 1024)) $(($(du -sk "$out/app" | cut -f1) / 1024)) \
  $((($(du -sk "$out/djl" | cut -f1) + $(du -sk "$out/jni-include" | cut -f1)) / 1024)) $((tree_kib / 1024)) $((total_kib / 1024)) >&2
[ "$total_kib" -lt "$limit_kib" ] || die "over the 64 MiB travel limit: trim the jars or the working tree"
say "ready: call the device tool with carry [\".device\"] and scripts/device/device-run.sh (docs/GPU.md)"
