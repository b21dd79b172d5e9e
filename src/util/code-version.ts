import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let memo: string | undefined;

/** In a command's bundle, the fingerprint of the sources it was made from (scripts/bundle-commands.sh): not worked out again at each start. */
declare const OPS_HUB_CODE_VERSION: string | undefined;

/**
 * A fingerprint of the code that turns files into results: the text of every
 * file under the checkout's `src/`, its lockfile (the parser and zod
 * versions) and the Node version. Caches keyed by it never serve what other
 * code computed. The checkout is the nearest folder above this module with a
 * package.json and a src/, so a bundled copy (the site build) finds it too;
 * without one the fingerprint says only the Node version and "unknown".
 */
export function codeVersion(): string {
  memo ??= typeof OPS_HUB_CODE_VERSION === 'string' ? OPS_HUB_CODE_VERSION : fingerprint();
  return memo;
}

function fingerprint(): string {
  const hash = createHash('sha1').update(process.version);
  const root = checkoutRoot();
  if (root === undefined) return `${hash.update('\0unknown').digest('hex')}`;
  const src = path.join(root, 'src');
  const files = readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const file of [...files, path.join(root, 'package-lock.json')]) {
    hash.update(`\0${path.relative(root, file)}\0`);
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

function checkoutRoot(): string | undefined {
  const here = import.meta.url.startsWith('file:') ? path.dirname(fileURLToPath(import.meta.url)) : process.cwd();
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
