import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '..');
const LOCKFILE = path.join(SRC, '..', 'package-lock.json');
let code: string | undefined;

/**
 * A digest of the program: every file under src/ and the lockfile that pins
 * its dependencies (Astro, pagefind, mermaid). Worked out once per process.
 */
export function codeVersion(): string {
  if (code !== undefined) return code;
  const hash = createHash('sha256');
  const files = readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const file of [...files, LOCKFILE]) hash.update(path.relative(SRC, file)).update('\0').update(readFileSync(file)).update('\0');
  return (code = hash.digest('hex'));
}
