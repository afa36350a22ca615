#!/bin/bash
# Sets up and builds Tern (see scripts/setup.sh), then runs every test.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
cd build
exec ctest --output-on-failure -j"${JOBS:-2}" "$@"
