#!/bin/bash
# Checks the folder layering of docs/architecture.md ("Layers"): each folder
# includes only the folders below it. Prints every include that runs upward.
set -uo pipefail
cd "${1:-$(dirname "$0")/..}"
declare -A allowed=(
    [core]="core"
    [cpu]="core cpu"
    [jit]="core cpu jit"
    [hw]="core cpu jit hw"
    [savestate]="core cpu jit hw savestate"
    [ui]="core cpu jit hw savestate ui"
    [gdb]="core cpu jit hw savestate gdb"
)
bad=0
for folder in "${!allowed[@]}"; do
    [ -d "$folder" ] || continue
    while IFS=: read -r file line include; do
        target=${include#*\"}
        target=${target%%/*}
        if [[ " ${allowed[$folder]} " != *" $target "* ]]; then
            echo "layering: $file:$line includes $target/ (${folder}/ may include: ${allowed[$folder]})"
            bad=1
        fi
    done < <(grep -rn --include='*.hpp' --include='*.cpp' --include='*.inc' -E '^#include "[a-z_]+/' "$folder" |
             sed -E 's/^([^:]+):([0-9]+):(.*)$/\1:\2:\3/')
done
[ $bad -eq 0 ] && echo "layering: every include runs downward"
exit $bad
