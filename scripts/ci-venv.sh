#!/usr/bin/env bash
# Makes .venv-ci/ (git-ignored) with the pinned Python tools of scripts/ci-requirements.txt
# and prints its bin folder. Reinstalls only when the pins change.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-ci
REQ=scripts/ci-requirements.txt
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" >&2 || {
    echo "ci-venv.sh: python3 -m venv failed (apt-get install python3-venv)" >&2
    exit 1
  }
fi
if ! cmp -s "$REQ" "$VENV/.installed" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ" >&2
  cp "$REQ" "$VENV/.installed"
fi
echo "$PWD/$VENV/bin"
