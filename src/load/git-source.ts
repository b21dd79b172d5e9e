import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { InventorySource } from './source.ts';

const run = promisify(execFile);

/** A ref that does not name a commit, or a directory that is not in a git repository. */
export class GitRefError extends Error {}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', cwd, ...args], { maxBuffer: 1 << 28 });
  return stdout;
}

/**
 * The inventory below `root` as it is at a git `ref`, read from blobs: no
 * checkout, the working tree untouched. One `ls-tree` lists the files and one
 * `cat-file --batch` reads them all, whatever their number.
 */
export async function gitSource(root: string, ref: string): Promise<InventorySource> {
  let top: string;
  let commit: string;
  try {
    top = (await git(root, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new GitRefError(`${root} is not inside a git repository`);
  }
  try {
    commit = (await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    throw new GitRefError(`"${ref}" is not a commit in this repository (try a branch, a tag or a SHA; in CI fetch the base first: git fetch origin <branch>)`);
  }
  const prefix = path.relative(top, path.resolve(root)).split(path.sep).join('/');
  const listing = await git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, ...(prefix ? ['--', `${prefix}/`] : [])]);
  const blobs = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, sha] = entry.slice(0, tab).split(' ');
    if (type !== 'blob') continue;
    const full = entry.slice(tab + 1);
    blobs.set(prefix ? full.slice(prefix.length + 1) : full, sha!);
  }
  const texts = await readBlobs(top, [...new Set(blobs.values())]);
  const files = [...blobs.keys()].sort();
  return {
    label: `git:${ref}`,
    async list(dir) {
      return files.filter((f) => f.startsWith(`${dir}/`));
    },
    async read(file) {
      const sha = blobs.get(file);
      return sha === undefined ? undefined : texts.get(sha);
    },
  };
}

/** Every blob's text from one `git cat-file --batch`. */
async function readBlobs(cwd: string, shas: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (shas.length === 0) return out;
  const child = spawn('git', ['-C', cwd, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`git cat-file failed: ${stderr.trim()}`))));
  });
  child.stdin.end(`${shas.join('\n')}\n`);
  await done;
  const buffer = Buffer.concat(chunks);
  let at = 0;
  while (at < buffer.length) {
    const eol = buffer.indexOf(0x0a, at);
    const [sha, , size] = buffer.subarray(at, eol).toString().split(' ');
    const start = eol + 1;
    const end = start + Number(size);
    out.set(sha!, buffer.subarray(start, end).toString('utf8'));
    at = end + 1;
  }
  return out;
}
