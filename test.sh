#!/bin/bash
# Sets up and builds Tern (see scripts/setup.sh), runs every test, then the
# ThreadSanitizer run of the threading core (tests/tsan.sh, its own build-tsan/).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
(cd build && ctest --output-on-failure -j"${JOBS:-2}" "$@")
tests/tsan.sh
