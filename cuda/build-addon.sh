#!/usr/bin/env bash
# Builds everything under cuda/ into cuda/build: the static core, duet_runner,
# duet_tests and the Node addon (duet_addon.node). Run as `npm run
# build:native` on a machine with CUDA 13 (nvcc, cuBLASLt) and CMake >= 3.24;
# `npm ci` never runs it.
#
# Environment (all optional):
#   DUET_BUILD_DIR            build folder (default cuda/build)
#   DUET_BUILD_ADDON=OFF      skip the addon (no Node headers needed)
#   NODE_API_HEADERS          folder with node_api.h; default: .node-carry/include,
#                             <node prefix>/include/node, /usr/include/node
#   NODE_ADDON_API_DIR        folder with napi.h; default: node_modules/node-addon-api,
#                             .node-carry/node-addon-api
#   CMAKE_CUDA_ARCHITECTURES  e.g. 90 (default: 90a-real;90-real)
#   CUDNN_ROOT                cuDNN 9 folder (include/, lib/) for attention through cuDNN;
#                             default: the nvidia/cudnn package of python3's site-packages, if any
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DUET_BUILD_DIR:-$root/cuda/build}"
addon="${DUET_BUILD_ADDON:-ON}"

first_with() {  # first_with FILE DIR... : prints the first DIR holding FILE
  local file="$1"
  shift
  for d in "$@"; do
    if [ -n "$d" ] && [ -f "$d/$file" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

args=(-S "$root/cuda" -B "$build" -DCMAKE_BUILD_TYPE=Release)
if [ -n "${CMAKE_CUDA_ARCHITECTURES:-}" ]; then
  args+=("-DCMAKE_CUDA_ARCHITECTURES=$CMAKE_CUDA_ARCHITECTURES")
fi
# PyTorch's own cuDNN first (the library the reference backend runs), wherever its wheel put it.
cudnn="${CUDNN_ROOT:-$(python3 - 2>/dev/null <<'PY' || true
import glob, os, site
for d in site.getsitepackages():
    for lib in sorted(glob.glob(os.path.join(d, "nvidia", "**", "libcudnn.so.9"), recursive=True)):
        root = os.path.dirname(os.path.dirname(lib))
        if os.path.exists(os.path.join(root, "include", "cudnn_graph.h")):
            print(root)
            raise SystemExit
PY
)}"
echo "build-addon: CUDNN_ROOT=${cudnn:-<none>}" >&2
if [ -n "$cudnn" ]; then
  args+=("-DCUDNN_ROOT=$cudnn")
fi
if [ "$addon" = "ON" ]; then
  node_prefix=""
  if command -v node >/dev/null 2>&1; then node_prefix="$(dirname "$(dirname "$(command -v node)")")"; fi
  headers="${NODE_API_HEADERS:-$(first_with node_api.h "$root/.node-carry/include" "$node_prefix/include/node" /usr/include/node || true)}"
  napi="${NODE_ADDON_API_DIR:-$(first_with napi.h "$root/node_modules/node-addon-api" "$root/.node-carry/node-addon-api" || true)}"
  if [ -z "$headers" ] || [ ! -f "$headers/node_api.h" ]; then
    echo "build-addon: node_api.h not found; set NODE_API_HEADERS, or DUET_BUILD_ADDON=OFF to build without the addon" >&2
    exit 2
  fi
  if [ -z "$napi" ] || [ ! -f "$napi/napi.h" ]; then
    echo "build-addon: napi.h not found (run npm ci, or set NODE_ADDON_API_DIR)" >&2
    exit 2
  fi
  args+=(-DDUET_BUILD_ADDON=ON "-DNODE_API_HEADERS=$headers" "-DNODE_ADDON_API_DIR=$napi")
fi

cmake "${args[@]}"
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 4)"
echo "build-addon: built into $build" >&2
