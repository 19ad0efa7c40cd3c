#!/usr/bin/env bash
# Starts the libvirt daemons where no systemd does (CI, containers): virtlogd -d and libvirtd -d,
# each only when it is not running already, then waits until `virsh -c qemu:///system` answers.
# Safe to run again. Needs root (qemu:///system); prints why and exits 1 when it cannot.
set -euo pipefail
if ! command -v libvirtd >/dev/null 2>&1; then
  echo "start-libvirt: libvirtd is not installed (scripts/setup.sh installs libvirt-daemon-system)." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "start-libvirt: libvirtd for qemu:///system must be started as root." >&2
  exit 1
fi
running() { pgrep -x "$1" >/dev/null 2>&1; }
mkdir -p /run/libvirt
running virtlogd || virtlogd -d
running libvirtd || libvirtd -d
for _ in $(seq 1 50); do
  if virsh -c qemu:///system version >/dev/null 2>&1; then exit 0; fi
  sleep 0.2
done
echo "start-libvirt: libvirtd did not answer on qemu:///system within 10 s." >&2
exit 1
