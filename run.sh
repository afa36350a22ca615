#!/bin/bash
# Sets up and builds Tern (see scripts/setup.sh), then runs the main job.
# Until the virt machine boots firmware, the main job is the demo guest in roms/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec build/tern -bios none -kernel roms/demo.elf -nographic "$@"
