#!/usr/bin/env bash
# How every `npm run <command>` starts: set-up (scripts/setup.sh; Chromium too for
# the build), then scripts/<command>.ts on the pinned Node with the compile cache,
# which keeps stripped TypeScript and V8's compiled code between runs: a command
# does not strip and compile its few hundred modules again on each start.
# Entries are keyed by content and Node version; deleting the folder is safe.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command=$1
shift
if [[ $command == build ]]; then bash "$root/scripts/setup.sh" --browser; else bash "$root/scripts/setup.sh"; fi
export NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-$root/node_modules/.cache/ops-hub-compile}
exec "$root/node_modules/.bin/node" "$root/scripts/$command.ts" "$@"
