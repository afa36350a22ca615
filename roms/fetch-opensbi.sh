#!/bin/bash
# Replaces roms/opensbi/ (Tern's default firmware, committed) with the generic-platform fw_dynamic of
# the current Debian stable's opensbi package, the package's copyright file and the upstream source
# tarball of its source package (the firmware holds GPL-2 files, so their source goes with it).
# Debian 12's own opensbi (1.1) has a hart-start race fixed in OpenSBI 1.3 (see roms/README.md): this
# refuses older versions. The package is Architecture: all; it is fetched through debian-stable.sh's
# private apt configuration, so the host's apt state is not touched.
#
#   roms/fetch-opensbi.sh && git status roms/opensbi
set -euo pipefail
cd "$(dirname "$0")"
source ./debian-stable.sh
out=opensbi

debian_stable_apt riscv64 source
debian_stable_extract opensbi
version=$(dpkg-deb -f "$tmp"/opensbi_*.deb Version)
dpkg --compare-versions "$version" ge 1.3 || { echo "opensbi $version is older than 1.3" >&2; exit 1; }
debian_stable_source "opensbi=$version"
upstream=${version%-*}
[ -f "$tmp/src/opensbi_$upstream.orig.tar.gz" ] || { echo "no source tarball for opensbi $version" >&2; exit 1; }

generic="$tmp/x/usr/lib/riscv64-linux-gnu/opensbi/generic"
rm -rf "$out" && mkdir -p "$out"
cp "$generic/fw_dynamic.bin" "$generic/fw_dynamic.elf" "$tmp/x/usr/share/doc/opensbi/copyright" "$tmp"/src/* "$out/"
echo "opensbi $version (Debian stable, Architecture: all)" > "$out/VERSION"
(cd "$out" && sha256sum -- * | grep -v ' VERSION$' >> VERSION)
echo "roms/$out: opensbi $version"
