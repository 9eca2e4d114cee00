#!/usr/bin/env bash
# Make .venv from nothing and install chatconform with its test dependencies into it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install --quiet -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import chatconform, schemathesis, vcr, allure_commons, openapi_core" \
  || { echo "bootstrap: the install did not complete (see pip's messages above)" >&2; exit 1; }
touch .venv/.installed
