#!/usr/bin/env bash
# How every `npm run <command>` starts: set-up (scripts/setup.sh; Chromium too for
# the build), then the command on the pinned Node with the compile cache, which
# keeps V8's compiled code between runs. Short-lived commands run from their
# bundle (scripts/bundle-commands.sh: one file each, made again when a source
# changes); build, preview and bench run scripts/<command>.ts itself.
# Deleting node_modules/.cache is safe: what is there is made again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command=$1
shift
if [[ $command == build ]]; then bash "$root/scripts/setup.sh" --browser; else bash "$root/scripts/setup.sh"; fi
export NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-$root/node_modules/.cache/ops-hub-compile}
entry=$(bash "$root/scripts/bundle-commands.sh" "$command")
exec "$root/node_modules/.bin/node" "$entry" "$@"
