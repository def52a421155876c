#!/usr/bin/env bash
# Checks that a release binary runs in the Dockerfiles' runtime image: every shared library it
# loads must come from a Debian package that debian:bookworm-slim already has, or one the
# Dockerfile installs. No Docker engine runs here, so this is how the images are exercised.
#
# Usage: scripts/check-runtime-libraries.sh BINARY DOCKERFILE
set -euo pipefail
binary=$1
dockerfile=$2

# Packages of debian:bookworm-slim that binaries link against (the image's essential set).
base="libc6 libgcc-s1 libstdc++6 zlib1g libzstd1 liblzma5 libbz2-1.0 libcrypt1 libselinux1 libpcre2-8-0 libmd0 libacl1 libattr1"
installed=$(sed -n 's/.*apt-get install -y --no-install-recommends \(.*\)\\$/\1/p' "$dockerfile")
# What apt-get pulls in with them (libcurl4 brings libssl3, libnghttp2-14, ...).
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
    $installed 2>/dev/null | grep -v '^ ' | grep -v '^<' | sed 's/:.*//' | sort -u | tr '\n' ' ')
allowed=" $base $installed $closure "

missing=()
for library in $(ldd "$binary" | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
    real=$(readlink -f "$library")
    package=$(dpkg -S "$real" 2>/dev/null || dpkg -S "$library" 2>/dev/null || true)
    package=${package%%:*}
    if [[ -z $package ]]; then
        missing+=("$library (no Debian package)")
    elif [[ $allowed != *" $package "* ]]; then
        missing+=("$library (package $package)")
    fi
done
if ldd "$binary" | grep -q libswift; then
    missing+=("the Swift runtime is linked dynamically: build with --static-swift-stdlib")
fi
if ((${#missing[@]})); then
    echo "$binary needs libraries its runtime image ($dockerfile) does not have:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
fi
echo "$binary: every shared library is in $dockerfile's runtime image"
