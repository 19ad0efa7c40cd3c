#!/usr/bin/env bash
# The server package as a user gets it: build dist/vireo_*.deb from the build in out/, install
# it with apt, then run the installed /usr/bin/vireo from another folder with a clean
# environment (no checkout on any path): --help, `host check`, `service status`, and a short
# `vireo web` whose page is loaded with its token; then remove the package again.
# Needs root (apt-get install): .ci/run runs it on CI (VIREO_CI_PACKAGE=1 makes `npm test`
# count it as a check); elsewhere, run it by hand as root on a machine you may install on.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "package-check: needs root, to install the package with apt-get (run it as root, or leave it to CI)." >&2
  exit 2
fi
if dpkg-query -W -f='${Status}' vireo 2>/dev/null | grep -q 'install ok installed'; then
  echo "package-check: a vireo package is installed already; remove it first (apt-get remove vireo)." >&2
  exit 2
fi
node scripts/package-deb.js ${VIREO_PACKAGE_FAST:+--fast}
version="$(node -p 'require("./package.json").version')"
deb="$PWD/dist/vireo_${version}_amd64.deb"
smoke="$PWD/scripts/web-smoke.js"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb"
scratch="$(mktemp -d)"
cleanup() {
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq vireo || true
  rm -rf "$scratch"
}
trap cleanup EXIT
cd "$scratch"
run() { env -i HOME="$scratch" PATH=/usr/bin:/bin VIREO_HOME="$scratch/vireo" XDG_CONFIG_HOME="$scratch/config" "$@"; }
[ "$(run sh -c 'command -v vireo')" = /usr/bin/vireo ] || { echo "package-check: vireo is not /usr/bin/vireo" >&2; exit 1; }
run vireo --help >/dev/null
run vireo host check
# Not installed for this throwaway user: exit 3, and it says how to install it.
status=0
run vireo service status || status=$?
[ "$status" -eq 3 ] || { echo "package-check: vireo service status exited $status, not 3" >&2; exit 1; }
run /usr/lib/vireo/node "$smoke" vireo web --port 0
echo "package-check: $(basename "$deb") installed, ran from /usr/bin/vireo, and was removed"
