#!/usr/bin/env bash
# Create .venv, install the pinned (hash-checked) dependencies and migrate every schema.
# Usage: bash scripts/setup.sh [--dev]   (--dev adds the test and benchmark tools)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON="$candidate"; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "MedSync needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || {
    echo "Could not create .venv; on Debian/Ubuntu install it with: sudo apt-get install python3.11-venv" >&2
    exit 1
  }
fi

.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==26.3"
# Every package is pinned with its hashes; --no-deps because the files list the whole tree.
# (resemblyzer is used only for its speaker-encoder weights, which we run with numpy: its
# torch/librosa requirements are deliberately not installed.)
requirements=(-r requirements.txt)
if [ "${1:-}" = "--dev" ]; then
  requirements+=(-r requirements-dev.txt)
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps "${requirements[@]}"

.venv/bin/python manage.py migrate_schemas --executor=standard -v 0

# Debian packages: agent calls speak with espeak-ng; the tests also synthesise visits with it and
# degrade them with sox, and the browser tests drive Debian's Chromium. Installed when missing and
# we may (root with apt-get); otherwise a note says what to install.
debian_packages=(espeak-ng)
if [ "${1:-}" = "--dev" ]; then
  debian_packages+=(sox libsox-fmt-all chromium)
fi
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }) ||
      echo "Note: could not install ${missing[*]} with apt-get" >&2
  else
    echo "Note: install the Debian packages ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
  fi
fi
