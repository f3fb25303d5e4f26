#!/usr/bin/env bash
# Puts the dashboard's graph-layout library, dagre (@dagrejs/dagre, MIT), into the classes the jar
# is built from. No WebJar of dagre is served from Maven Central, so it comes from the npm registry
# with npm itself (`npm pack`: npm's cache first, so a second build needs no network), pinned to
# one version and checked against the tarball's SHA-512. Run by Maven in generate-resources.
# Usage: vendor-dagre.sh <output directory>
set -euo pipefail

version=3.1.3
sha512=5f86944f0391799bed85a6563951ea949e76fd976164510ce3e2e1fee4785e8a1448b13aa7bd5b732ecc3c6cd89cd51c361fa78fe8bfa8942908c21d4274a6ae
out=${1:?usage: vendor-dagre.sh <output directory>}

marker="/*! @dagrejs/dagre $version (MIT, see LICENSE beside this file) */"
if [[ -f "$out/dagre.min.js" && "$(head -n 1 "$out/dagre.min.js")" == "$marker" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "vendor-dagre: npm is needed to fetch @dagrejs/dagre@$version (install Node.js with npm)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm pack --silent --prefer-offline --pack-destination "$work" "@dagrejs/dagre@$version" >/dev/null
tarball="$work/dagrejs-dagre-$version.tgz"
if ! echo "$sha512  $tarball" | sha512sum --check --status; then
  echo "vendor-dagre: @dagrejs/dagre@$version does not have the SHA-512 this script expects" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/dist/dagre.min.js package/LICENSE
mkdir -p "$out"
# The first line names the version (a later build with the same version reuses the file); the
# source map is not shipped, so the line that names it goes.
{ echo "$marker"; grep -v '^//# sourceMappingURL=' "$work/package/dist/dagre.min.js"; } >"$out/dagre.min.js.part"
cp "$work/package/LICENSE" "$out/LICENSE"
mv "$out/dagre.min.js.part" "$out/dagre.min.js"
