#!/usr/bin/env bash
# Writes the seed corpus of fuzz_savestate (tests/fuzz/corpus/fuzz_savestate/) from real
# savestates that BUILD/tern takes of bare programs (--deterministic --savestate-at N):
#   NAME.file      mode byte 0, then the savestate file (whole-file mode)
#   NAME.payload   mode byte 1 (disks referenced) or 3 (disks embedded), then the file's
#                  payload: the bytes after the 32-byte header, decompressed with zstd
# Usage: tests/fuzz/make_savestate_seeds.sh BUILD [OUT]   (BUILD: a build directory with tern
# and the guest programs; OUT defaults to tests/fuzz/corpus/fuzz_savestate)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: $0 BUILD [OUT]}" && pwd)
out=${2:-$root/tests/fuzz/corpus/fuzz_savestate}
tern=$build/tern
smp_elf=$build/tests/guest/smp/ipi_pingpong.elf
for f in "$tern" "$root/roms/demo.elf" "$smp_elf"; do
    [[ -e $f ]] || { echo "$0: $f is missing (build tern and the guest programs first)" >&2; exit 1; }
done
command -v zstd >/dev/null || { echo "$0: needs the zstd tool" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# seed NAME KINDS N TERN-ARGS...: saves after N instructions; KINDS is "file", "payload" or both.
seed() {
    local name=$1 kinds=$2 steps=$3
    shift 3
    local state=$work/$name
    (cd "$work" && "$tern" -m 16M -bios none -nographic --deterministic --savestate "$state" \
        --savestate-at "$steps" "$@" </dev/null >"$work/$name.log" 2>&1) ||
        { echo "$0: $name: tern failed" >&2; cat "$work/$name.log" >&2; exit 1; }
    [[ -s $state ]] || { echo "$0: $name: no savestate written (did the program end before $steps?)" >&2; exit 1; }
    if [[ $kinds == *file* ]]; then
        { printf '\x00'; cat "$state"; } >"$out/$name.file"
    fi
    if [[ $kinds == *payload* ]]; then
        # Header byte 12 holds the flags; bit 0 is "disks embedded".
        local flags
        flags=$(od -An -tu1 -j12 -N1 "$state" | tr -d ' ')
        if (( flags & 1 )); then printf '\x03' >"$out/$name.payload"; else printf '\x01' >"$out/$name.payload"; fi
        tail -c +33 "$state" | zstd -dcq >>"$out/$name.payload"
    fi
}

# A 16 KiB disk with a few bytes in it, embedded in the savestate.
head -c 16384 /dev/zero >"$work/disk.img"
printf 'tern savestate seed disk' | dd of="$work/disk.img" conv=notrunc status=none

seed demo_early "file payload" 1000 -kernel "$root/roms/demo.elf"
seed demo_late payload 200000 -kernel "$root/roms/demo.elf"
seed smp2 "file payload" 20000 -smp 2 -kernel "$smp_elf"
seed disk_embedded "file payload" 3000 -kernel "$root/roms/demo.elf" \
    -drive file="$work/disk.img",format=raw,if=virtio
# A referenced disk must exist with the same size and content when loaded: /proc/version is a
# regular file of size 0 on every Linux host (its content hash is that of no bytes).
seed disk_referenced payload 3000 -kernel "$root/roms/demo.elf" \
    -drive file=/proc/version,format=raw,if=virtio,readonly=on --savestate-disks reference

ls -l "$out"
