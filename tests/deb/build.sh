#!/bin/sh
# SPDX-License-Identifier: ISC
# make deb: build the Debian package from the files git knows (tracked, or
# untracked and not ignored) in a copy under build/deb/, so that neither
# the source tree nor its parent directory collects build products.
# Prints the path of the .deb on its last line.
set -eu
cd "$(dirname "$0")/../.."
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
out=build/deb
src=$out/vipd-$ver
rm -rf "$out"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] || [ -L "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null -T - -cf - | tar -xf - -C "$src"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
	exit 1
}
arch=$(dpkg --print-architecture)
deb=$out/vipd_${ver}_$arch.deb
[ -f "$deb" ] || { echo "deb: $deb was not built" >&2; exit 1; }
echo "$deb"
