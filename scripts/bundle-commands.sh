#!/usr/bin/env bash
# usage: bundle-commands.sh [COMMAND]
# Prints the file to run for COMMAND: its bundle for a short-lived command
# (validate, diff, sync, …), else scripts/COMMAND.ts; without COMMAND, the
# folder of the bundles. A command started from its bundle reads one file
# instead of resolving and loading some 330 modules (ours, zod's, undici's):
# sync's no-op re-sync of 1,000 records took 0.84-0.91 s instead of 1.04-1.15 s.
# The folder is named by a hash of what the bundles are made of (src/,
# scripts/, tsconfig.json and the lockfile, which pins Node and esbuild), so a bundle is
# never older than its sources; it is made when missing (1-2 s), aside and
# renamed into place, so runs bundling at the same time each end with a
# whole folder. build and preview run from source: Astro loads its own
# config and pages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

COMMANDS=(validate diff sync probe probe-gate discover seeds schema pr-comment interhub-dev)
command=${1:-}
if [[ -n $command && " ${COMMANDS[*]} " != *" $command "* ]]; then
  echo "$root/scripts/$command.ts"
  exit 0
fi

sources_key() { { find src scripts -type f ! -path 'scripts/bench/*' -print0 | sort -z | xargs -0 sha1sum; sha1sum package-lock.json tsconfig.json; } | sha1sum | cut -c1-16; }
key=$(sources_key)
store=node_modules/.cache/ops-hub-commands
dir=$store/$key
if [[ ! -f $dir/.complete ]]; then
  # A folder that cannot be written (a read-only install) only costs speed: the command runs from source.
  if ! work=$(mkdir -p "$store" 2>/dev/null && mktemp -d "$store/.bundling-XXXXXX" 2>/dev/null); then
    echo "setup: cannot write $store; running scripts/$command.ts from source" >&2
    echo "$root/scripts/${command:?bundle-commands: no folder of bundles can be made here}.ts"
    exit 0
  fi
  echo "setup: bundling the commands for these sources (once per change)" >&2
  trap 'rm -rf "$work"' EXIT
  entries=()
  for c in "${COMMANDS[@]}"; do entries+=("scripts/$c.ts"); done
  # The code's fingerprint (util/code-version.ts), which keys the caches, is the same as the sources';
  # worked out here once, not at each start of a bundle.
  version=$(node_modules/.bin/node --input-type=module -e "process.stdout.write((await import('./src/util/code-version.ts')).codeVersion())")
  # undici is CommonJS: its require() of Node's own modules needs a require in the bundle's scope.
  node_modules/.bin/esbuild "${entries[@]}" --bundle --platform=node --format=esm --target=node24 \
    --outdir="$work" --out-extension:.js=.mjs --log-level=warning --define:OPS_HUB_CODE_VERSION="\"$version\"" \
    --banner:js="import { createRequire as __opsHubRequire } from 'node:module'; const require = __opsHubRequire(import.meta.url);" >&2
  if [[ $(sources_key) != "$key" ]]; then
    echo "bundle-commands: the sources changed while they were bundled; run the command again" >&2
    exit 1
  fi
  chmod 755 "$work"
  touch "$work/.complete"
  # Another run may have put the same folder in place meanwhile: then its copy stands.
  mv -T "$work" "$dir" 2>/dev/null || rm -rf "$work"
  # Bundles of earlier sources: the three newest stay, for runs that started from them; a bundling
  # killed midway leaves its folder, removed once it is surely not still being written.
  ls -1dt "$store"/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
  find "$store" -maxdepth 1 -name '.bundling-*' -mmin +10 -exec rm -rf {} +
fi
echo "$root/$dir${command:+/$command.mjs}"
