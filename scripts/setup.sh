#!/usr/bin/env bash
# Installs what Vireo needs on Debian 12 (apt: QEMU, firmware, Chromium and the test-fixture
# tools; npm: the project's packages without the Electron download). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test installer ISO (e2e/fixtures/build-test-iso.sh) also takes a kernel, busybox and a
# console font with `apt-get download`, which needs current package lists.
# grub-efi-amd64-bin is on every UEFI-booted Debian; with it, grub-mkrescue builds both platforms,
# so it is installed here too and the test ISO's build is always tried that way.
packages=(qemu-system-x86 qemu-utils ovmf chromium xvfb xorriso grub-common grub-pc-bin grub-efi-amd64-bin xz-utils cpio gzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ] || ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
  $sudo apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Electron's binary cannot be downloaded everywhere; `npm start` explains how to add it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
