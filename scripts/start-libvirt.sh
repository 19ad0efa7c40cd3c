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
# Where QEMU's user (libvirt-qemu) cannot open /dev/kvm (CI containers: root-only 0600),
# libvirt 9 finds its cached QEMU capabilities stale on every call and probes QEMU again (10+ s
# a call). QEMU is then run as root, as the daemons are; said once, in qemu.conf.
conf=/etc/libvirt/qemu.conf
marker="# vireo: start-libvirt.sh"
if [ -e /dev/kvm ] && id libvirt-qemu >/dev/null 2>&1 && ! runuser -u libvirt-qemu -- test -r /dev/kvm -a -w /dev/kvm \
  && [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
  echo "start-libvirt: libvirt-qemu cannot open /dev/kvm here; QEMU runs as root ($conf)."
  printf '\n%s\nuser = "root"\ngroup = "root"\n' "$marker" >>"$conf"
  if running libvirtd; then
    pkill -x libvirtd || true
    while running libvirtd; do sleep 0.2; done
  fi
fi
mkdir -p /run/libvirt
running virtlogd || virtlogd -d
running libvirtd || libvirtd -d
# The first start probes QEMU's capabilities, which takes a while on a loaded machine.
for _ in $(seq 1 300); do
  if virsh -c qemu:///system version >/dev/null 2>&1; then exit 0; fi
  sleep 0.2
done
echo "start-libvirt: libvirtd did not answer on qemu:///system within 60 s." >&2
exit 1
