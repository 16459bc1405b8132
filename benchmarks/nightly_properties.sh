#!/usr/bin/env bash
# The property-based tests (tests/test_properties.py) with hypothesis's "nightly" profile:
# 300 generated frames for fit, 1,200 batches for predict and 1,200 changed packages for load,
# where CI runs 12, 48 and 48. About an hour on two cores; run it where minutes are cheap.
#   bash benchmarks/nightly_properties.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
HYPOTHESIS_PROFILE=nightly exec .venv/bin/python -m pytest -p no:cacheprovider tests/test_properties.py "$@"
