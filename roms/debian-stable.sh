# Sourced by the roms/fetch-*.sh scripts: fetches packages of the current Debian stable, which this Debian 12
# machine's apt does not list, through a private apt configuration under a temporary directory that reuses
# the mirror of /etc/apt/sources.list.d/debian.sources. The host's apt state is not touched.
#
#   debian_stable_apt ARCH [source]  sets up the configuration for ARCH's binary index (and the source
#                                    index with `source`) and reads it; sets $tmp and $apt_opts
#   debian_stable_extract PKG        downloads binary package PKG into $tmp and unpacks it into $tmp/x
#   debian_stable_source PKG         downloads source package PKG's files into $tmp/src

debian_stable_apt() {
    local arch=$1 mirror
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    [ -n "$mirror" ] || { echo "no mirror found in /etc/apt/sources.list.d/debian.sources" >&2; exit 1; }
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/src"
    echo "deb [arch=$arch trusted=yes] $mirror stable main" > "$tmp/sources.list"
    [ "${2:-}" != source ] || echo "deb-src [trusted=yes] $mirror stable main" >> "$tmp/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$tmp/lists"
              -o "Dir::Cache=$tmp/cache" -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
              -o Acquire::Languages=none -o APT::Sandbox::User=root)
    apt-get "${apt_opts[@]}" update -qq
}

debian_stable_extract() {
    (cd "$tmp" && apt-get "${apt_opts[@]}" download "$1")
    dpkg-deb -x "$tmp"/"$1"_*.deb "$tmp/x"
}

# Some mirrors serve a source package's upstream tarball but not its .dsc and Debian tarball: apt's
# failure for those is tolerated here, the caller checks for what it needs.
debian_stable_source() {
    (cd "$tmp/src" && apt-get "${apt_opts[@]}" source --download-only -qq "$1") ||
        echo "(some files of source package $1 could not be fetched)" >&2
}
