#!/usr/bin/env bash
# Sets up a fresh virtual environment (.venv) with the core and every plugin, then runs the
# main job: a real fit on examples/data/titanic.csv, a held-out score, a saved model package
# and a drift report (demo-output/drift.html). Extra arguments go to examples/quickstart.py.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
fi
.venv/bin/pip install --quiet -r requirements-dev.txt
.venv/bin/python examples/quickstart.py "$@"
