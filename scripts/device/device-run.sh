#!/usr/bin/env bash
# Runs align4j on a GPU device machine, inside the repository copy the device tool sends, with .device/ carried
# (made here by scripts/device/prepare.sh). See docs/GPU.md.
#
#   scripts/device/device-run.sh probe                 DJL smoke test on GPU 0 (engine load, read-back, bf16, autograd)
#   scripts/device/device-run.sh align4j ARGS...       any align4j command, e.g. logprobs --model M --device gpu ...
#   scripts/device/device-run.sh parity                log-probs of a random small Llama vs HF transformers, fp32 + bf16
#   scripts/device/device-run.sh bench [ARGS...]       PyTorch eager + HF peer, then ./align4j bench policy --device gpu ARGS
#   scripts/device/device-run.sh all                   probe, parity, bench
#
# Every mode first unpacks the Java runtime and compiles DJL's PyTorch JNI library against the device's own libtorch
# (the one python3's torch uses), once per machine, under /tmp/align4j-device. DJL is then pointed at that libtorch
# and that JNI library, so it neither downloads anything nor uses the CPU libtorch that prepare.sh left out.
# Logs and results go to $OUT (at most 8 files come back from a device call; this script writes at most 8).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dev="$root/.device"
work="/tmp/align4j-device"
out="${OUT:-$root/device-out}"
mkdir -p "$out" "$work"
say() { echo "device-run: $*" >&2; }
die() { echo "device-run: $*" >&2; exit 2; }

[ -f "$dev/runtime.tar.xz" ] || die "no .device/runtime.tar.xz: run scripts/device/prepare.sh here and carry .device"
py=python3

# --- the device's libtorch ---------------------------------------------------------------------------------------
torch_dir="$($py -c 'import os, torch; print(os.path.dirname(torch.__file__))')"
torch_version="$($py -c 'import torch; print(torch.__version__.split("+")[0])')"
cuda_version="$($py -c 'import torch; print(torch.version.cuda or "")')"
[ -n "$cuda_version" ] || die "python3's torch ($torch_version) is not a CUDA build"
flavor="cu${cuda_version//./}"
[ -f "$torch_dir/lib/libtorch.so" ] && [ -d "$torch_dir/include" ] || die "no lib/libtorch.so or include/ under $torch_dir"
# DJL finds CUDA through JNA's Native.load("cudart") (ai.djl.util.cuda.CudaUtils); pip's CUDA runtime is not on the
# loader path, so name its folder. JNA also takes a versioned libcudart.so.N there.
cudart="$(find "$(dirname "$torch_dir")/nvidia" /usr/local/cuda/lib64 -name 'libcudart.so*' 2>/dev/null | head -n 1 || true)"
cudart_dir="$(dirname "${cudart:-/usr/local/cuda/lib64/x}")"
engine_jar="$(ls "$dev"/app/lib/pytorch-engine-*.jar | head -n 1)"
djl_version="$(basename "$engine_jar" .jar)"; djl_version="${djl_version#pytorch-engine-}"

# --- Java runtime -------------------------------------------------------------------------------------------------
jre="$work/jre"
if [ ! -x "$jre/bin/java" ]; then
  mkdir -p "$jre"
  tar -xJf "$dev/runtime.tar.xz" -C "$jre" 2>/dev/null \
    || $py -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$dev/runtime.tar.xz" "$jre"
fi

# --- DJL's JNI library, compiled against this libtorch ------------------------------------------------------------
# DJL looks for it at $ENGINE_CACHE_DIR/pytorch/<PYTORCH_VERSION>-<PYTORCH_FLAVOR>-<classifier>/<djl>-libdjl_torch.so
# when PYTORCH_LIBRARY_PATH names the libtorch folder (ai.djl.pytorch.jni.LibUtils in DJL 0.35.1).
cache="$work/djl-cache"
jni="$cache/pytorch/$torch_version-$flavor-linux-x86_64/$djl_version-libdjl_torch.so"
build_jni() {
  local src="$work/djl-src" bld="$work/jni-build"
  rm -rf "$src" "$bld"
  cp -r "$dev/djl" "$src"
  # DJL 0.35.1's dtype tables (djl_pytorch_utils.h) have no bfloat16: DataType.BFLOAT16 (ordinal 11) reaches a bare
  # `throw;` and the JVM aborts ("terminate called without an active exception"); a bf16 tensor comes back as UNKNOWN.
  # Add the two missing entries to our copy; a no-op if a later DJL has them.
  local h="$src/engines/pytorch/pytorch-native/src/main/native/djl_pytorch_utils.h"
  if ! grep -q 'kBFloat16' "$h"; then
    sed -i -e 's/^\(\s*\)} else if (torch::kComplexFloat == type) {/\1} else if (torch::kBFloat16 == type) {\n\1  return 11;\n&/' \
      -e 's/^\(\s*\)case 8:$/\1case 11:\n\1  return torch::kBFloat16;\n&/' "$h"
    [ "$(grep -c 'kBFloat16' "$h")" = 2 ] || die "bf16 patch of djl_pytorch_utils.h did not apply"
  fi
  export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}"
  [ -x /usr/local/cuda/bin/nvcc ] && export CUDACXX=/usr/local/cuda/bin/nvcc PATH="/usr/local/cuda/bin:$PATH"
  cmake -S "$src/engines/pytorch/pytorch-native" -B "$bld" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$($py -c 'import torch; print(torch.utils.cmake_prefix_path)')" -DUSE_CUDA=1 \
    -DJAVA_INCLUDE_PATH="$dev/jni-include" -DJAVA_INCLUDE_PATH2="$dev/jni-include/linux" \
    -DJAVA_JVM_LIBRARY="$jre/lib/server/libjvm.so" -DJAVA_AWT_LIBRARY=NotNeeded -DJAVA_AWT_INCLUDE_PATH=NotNeeded \
    -DCMAKE_SHARED_LINKER_FLAGS="-Wl,-rpath,$torch_dir/lib" -DCMAKE_POLICY_VERSION_MINIMUM=3.5
  cmake --build "$bld" -j "$(nproc)"
  mkdir -p "$(dirname "$jni")"
  cp "$bld/libdjl_torch.so" "$jni"
}
if [ ! -f "$jni" ]; then
  say "compiling DJL $djl_version's PyTorch JNI against torch $torch_version ($flavor) at $torch_dir (log: build.log) ..."
  start=$SECONDS
  build_jni >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log" >&2; die "JNI build failed (see build.log)"; }
  say "JNI built in $((SECONDS - start)) s"
fi

export PYTORCH_LIBRARY_PATH="$torch_dir/lib" PYTORCH_VERSION="$torch_version" PYTORCH_FLAVOR="$flavor"
export ENGINE_CACHE_DIR="$cache" DJL_CACHE_DIR="$work/djl-home"
export LD_LIBRARY_PATH="$torch_dir/lib:$cudart_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
java_opts="-Xmx32g -Dai.djl.offline=true -Djna.library.path=$cudart_dir"

# The launcher ./align4j runs app/target/align4j.jar with the java on PATH; give it ours.
align4j() {
  mkdir -p "$root/app/target"
  for f in align4j.jar lib; do
    if [ -e "$root/app/target/$f" ] && [ ! -L "$root/app/target/$f" ]; then
      die "app/target/$f exists and is not ours; remove it"
    fi
    ln -sfn "$dev/app/$f" "$root/app/target/$f"
  done
  PATH="$jre/bin:$PATH" ALIGN4J_JAVA_OPTS="$java_opts" "$root/align4j" "$@"
}

probe() {
  say "probe: DJL on GPU 0"
  "$jre/bin/java" $java_opts -cp "$dev/probe:$dev/app/lib/*" DeviceProbe 2>&1 | tee "$out/probe.log"
  return "${PIPESTATUS[0]}"
}

parity() {
  local p="$work/parity" rc=0
  say "parity: random small Llama, HF transformers vs align4j logprobs"
  $py "$root/scripts/device/hf_parity.py" make --out "$p" || return 1
  for dtype in fp32 bf16; do
    align4j logprobs --model "$p/model" --input "$p/seqs.jsonl" --output "$p/ours_$dtype.jsonl" \
      --dtype "$dtype" --device gpu --batch-size 4 || rc=1
  done
  $py "$root/scripts/device/hf_parity.py" compare --dir "$p" --fp32 "$p/ours_fp32.jsonl" --bf16 "$p/ours_bf16.jsonl" \
    --json "$out/parity.json" || rc=1
  return $rc
}

bench() {
  local rc=0
  say "bench: PyTorch eager + HF transformers peer (bench-peer.json)"
  $py "$root/scripts/device/peer_bench.py" --out "$out/bench-peer.json" || rc=1
  say "bench: ./align4j bench policy --device gpu $* (bench.log)"
  align4j bench policy --device gpu "$@" 2>&1 | tee "$out/bench.log" || rc=1
  return $rc
}

export PYTHONUNBUFFERED=1
mode="${1:-}"; [ $# -gt 0 ] && shift
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  echo "torch $torch_version $flavor at $torch_dir; cudart $cudart_dir; DJL $djl_version; JNI $jni"
  "$jre/bin/java" -version 2>&1 | head -n 1; } | sed 's/^/device-run: /' >&2
set +e
case "$mode" in
  probe) probe ;;
  align4j) align4j "$@" 2>&1 | tee "$out/align4j.log"; exit "${PIPESTATUS[0]}" ;;
  parity) parity 2>&1 | tee "$out/parity.log"; exit "${PIPESTATUS[0]}" ;;
  bench) bench "$@" ;;
  all)
    status=0
    probe || status=1
    parity 2>&1 | tee "$out/parity.log"; [ "${PIPESTATUS[0]}" = 0 ] || status=1
    bench "$@" || status=1
    exit $status ;;
  *) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
