#!/usr/bin/env bash
# Re-pin requirements.txt / requirements-dev.txt (with hashes) from the .in files.
# Needs pip-tools (pip install pip-tools) on PATH. resemblyzer is appended by hand because it must be
# installed without its torch/librosa requirements (we run its encoder with numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
opts=(--quiet --generate-hashes --allow-unsafe --strip-extras --pip-args "--isolated")
pip-compile "${opts[@]}" -o requirements.txt requirements.in
cat >> requirements.txt <<'PINS'
# Added by hand (see requirements.in): installed with --no-deps, we use only its weights.
resemblyzer==0.1.4 \
    --hash=sha256:8f12eb2f1a9982d32e8db7856de754709b59c93a77bcf0ff536584b619a9dd1f
PINS
pip-compile "${opts[@]}" -o requirements-dev.txt requirements-dev.in
