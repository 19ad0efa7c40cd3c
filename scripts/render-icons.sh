#!/usr/bin/env bash
# Renders resources/icon.svg to the PNGs beside it (resources/icons/NxN.png), the sizes a
# freedesktop icon theme and electron-builder want. Needs rsvg-convert (Debian: librsvg2-bin).
# The PNGs are committed: run this again after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null || { echo "render-icons: rsvg-convert is missing: apt-get install librsvg2-bin" >&2; exit 2; }
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert --width "$size" --height "$size" resources/icon.svg --output "resources/icons/${size}x${size}.png"
done
