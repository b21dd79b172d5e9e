#!/usr/bin/env bash
# Makes a fresh clone runnable: installs npm dependencies (which pin Node 24)
# when the lockfile changed, and with --browser makes sure Chromium is there.
# Idempotent and quiet when nothing is to do.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.ops-hub-setup
lock_sum=$(sha1sum package-lock.json package.json | sha1sum | cut -c1-40)
if [[ ! -x node_modules/.bin/node || ! -f $stamp || "$(cat "$stamp")" != "$lock_sum" ]]; then
  echo "setup: installing npm dependencies (npm install against the committed lockfile)" >&2
  # npm ci rejects this registry's optional platform packages; install honours the lockfile.
  npm install --no-audit --no-fund --loglevel=error >&2
  echo "$lock_sum" > "$stamp"
fi

version=$(node_modules/.bin/node --version)
if [[ $version != v24.* ]]; then
  echo "setup: expected the pinned Node 24 in node_modules/.bin/node, found $version" >&2
  exit 1
fi

if [[ ${1:-} == --browser ]]; then
  browser=${CHROMIUM_PATH:-/usr/bin/chromium}
  if [[ ! -x $browser ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      echo "setup: installing Debian's chromium for the browser tests" >&2
      apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
    else
      echo "setup: the browser tests need Chromium at $browser." >&2
      echo "       Install it with: sudo apt-get install -y chromium   (or set CHROMIUM_PATH)" >&2
      exit 1
    fi
  fi
fi
