#!/usr/bin/env bash
# Sets this machine up to build, run and test Corral: the Debian packages that the runtimes and
# tests use, the npm dependencies, and a build. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the tests start on their own sockets and ports (they never use a system instance).
DEBIAN_PACKAGES=(etcd-server docker.io containerd runc containernetworking-plugins iptables iproute2 busybox-static redis-server)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: not root, so these Debian packages are not installed: ${missing[*]}" >&2
    echo "setup: corral up runs without them; the tests that start them need them (sudo bash scripts/setup.sh)" >&2
  fi
fi

# kubectl is not a Debian package of a current version; the kubectl e2e test uses the machine's
# (or $KUBECTL) and fails with this same advice when there is none.
if ! command -v "${KUBECTL:-kubectl}" >/dev/null 2>&1; then
  echo "setup: no kubectl on PATH: the kubectl e2e test needs one (v1.32; or set KUBECTL=/path/to/kubectl)" >&2
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Corral needs Node.js 20 or newer; this is $(node --version)" >&2
  exit 1
fi

# npm ci only when the installed tree is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
