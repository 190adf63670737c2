#!/usr/bin/env bash
# Compiles the CUDA kernels (src/main/cuda, one translation unit: kernels.cu) into the resources that are
# committed, so that builds without nvcc work:
#   src/main/resources/joule/cuda/joule.fatbin    sm_90 machine code + compute_90 PTX (what the runtime loads)
#   src/main/resources/joule/cuda/joule.ptx       the PTX as text (what the ptxas check reads)
#   src/main/resources/joule/cuda/kernels.manifest SHA-256 of every source and of this script, nvcc's version and
#                                                 flags, SHA-256 of both outputs
# Without --force it does nothing when the manifest already matches the sources. The outputs are the same bytes
# for the same sources and nvcc: nvcc runs on relative paths from this folder and embeds no time stamp.
# Usage: cuda-kernels/build-kernels.sh [--force]        (nvcc from PATH, else /usr/local/cuda/bin/nvcc)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

SRC=src/main/cuda
OUT=src/main/resources/joule/cuda
FLAGS=(-std=c++17 -O3 --fmad=false)
GENCODE=(-gencode "arch=compute_90,code=[sm_90,compute_90]")

nvcc=$(command -v nvcc || true)
if [ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ]; then
  nvcc=/usr/local/cuda/bin/nvcc
fi

# The part of the manifest that depends on the sources only: it decides whether a rebuild is needed.
sources_section() {
  echo "flags: ${FLAGS[*]} ${GENCODE[*]}"
  find "$SRC" -type f | LC_ALL=C sort | while read -r f; do
    echo "source $(sha256sum "$f" | cut -d' ' -f1) $f"
  done
  echo "source $(sha256sum build-kernels.sh | cut -d' ' -f1) build-kernels.sh"
}

expected=$(sources_section)
if [ "${1:-}" != "--force" ] && [ -f "$OUT/kernels.manifest" ] \
    && [ "$(grep -E '^(flags:|source) ' "$OUT/kernels.manifest")" = "$expected" ]; then
  echo "build-kernels: $OUT is up to date with $SRC"
  exit 0
fi
if [ -z "$nvcc" ]; then
  echo "build-kernels: the kernels in $OUT are stale, and nvcc is not installed to rebuild them" >&2
  exit 1
fi

mkdir -p "$OUT"
"$nvcc" "${FLAGS[@]}" "${GENCODE[@]}" -fatbin -o "$OUT/joule.fatbin" "$SRC/kernels.cu"
"$nvcc" "${FLAGS[@]}" -arch=compute_90 -ptx -o "$OUT/joule.ptx" "$SRC/kernels.cu"
{
  echo "# Written by cuda-kernels/build-kernels.sh: the kernels in this folder and what they were built from."
  echo "nvcc: $("$nvcc" --version | grep -E '^Cuda compilation tools')"
  echo "$expected"
  for f in joule.fatbin joule.ptx; do
    echo "output $(sha256sum "$OUT/$f" | cut -d' ' -f1) $f"
  done
} > "$OUT/kernels.manifest"
echo "build-kernels: compiled $SRC/kernels.cu into $OUT"
