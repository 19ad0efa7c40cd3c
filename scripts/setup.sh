#!/usr/bin/env bash
# Installs what Vireo needs on Debian 12 (apt: QEMU, firmware, Chromium and the test-fixture
# tools; npm: the project's packages, then Electron's binary where it can be downloaded). Safe
# to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test installer ISO (e2e/fixtures/build-test-iso.sh) also takes a kernel, busybox and a
# console font with `apt-get download`, which needs current package lists.
# grub-efi-amd64-bin is on every UEFI-booted Debian; with it, grub-mkrescue builds both platforms,
# so it is installed here too and the test ISO's build is always tried that way.
# libvirt-daemon-system, libvirt-clients, virtinst and openssh-server: libvirt connections
# (virsh is how Vireo talks to libvirt; the tests run libvirtd and an sshd on 127.0.0.1;
# dnsmasq-base runs libvirt's default network).
packages=(qemu-system-x86 qemu-utils ovmf swtpm swtpm-tools chromium xvfb xorriso mtools dosfstools grub-common grub-pc-bin grub-efi-amd64-bin xz-utils cpio gzip
  libvirt-daemon-system libvirt-clients virtinst openssh-server openssh-client netcat-openbsd dnsmasq-base)
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

# The npm packages first, without Electron's binary (a machine without internet must still get
# everything else), then Electron's own download on its own, bounded by a timeout: where it
# fails, the desktop window is unavailable (`npm start` says how to add it) and all else works.
# A user's own ELECTRON_SKIP_BINARY_DOWNLOAD (any value, as Electron reads it) is honoured.
user_skip="${ELECTRON_SKIP_BINARY_DOWNLOAD:-}"
if [ -f package-lock.json ]; then
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
else
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-audit --no-fund
fi
download_timeout="${VIREO_ELECTRON_DOWNLOAD_TIMEOUT:-300}"
no_window="the desktop window is unavailable (\`npm run web\` serves the same UI; \`npm start\` says how to add Electron)"
if [ -n "$user_skip" ]; then
  echo "setup: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so Electron's binary was not downloaded: $no_window."
elif log="$(timeout "$download_timeout" node node_modules/electron/install.js 2>&1)"; then
  echo "setup: Electron's binary is installed; \`npm start\` opens the desktop window."
else
  status=$?
  if [ "$status" -eq 124 ]; then
    why="its download took longer than ${download_timeout} s (VIREO_ELECTRON_DOWNLOAD_TIMEOUT)"
  else
    why="its download failed: $(printf '%s\n' "$log" | grep -m1 -E '[A-Za-z]*Error' || printf '%s\n' "$log" | head -n1)"
  fi
  echo "setup: $no_window: $why."
fi
