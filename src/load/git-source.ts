import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { readBlobs, readBlobsSync } from '../git/blobs.ts';
import { decodeText, entryProblem, entryTypeOfGitMode, MAX_RECORD_BYTES, refused, type EntryType } from './file-rules.ts';
import type { InventorySource, SourceEntry } from './source.ts';

const run = promisify(execFile);

/** A ref that does not name a commit, or a directory that is not in a git repository. */
export class GitRefError extends Error {}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', cwd, ...args], { maxBuffer: 1 << 28 });
  return stdout;
}

/**
 * The inventory below `root` as it is at a git `ref`, read from blobs: no
 * checkout, the working tree untouched. One `ls-tree` lists every entry with
 * its mode and size, and one `cat-file --batch` reads the blobs a load asks
 * for, whatever their number. Links, submodules and blobs over the limit are
 * refused from the listing, without reading them. The listing names each
 * blob's id, so a blob whose parse is cached is not read at all (`keyOf`).
 */
export async function gitSource(root: string, ref: string): Promise<InventorySource> {
  // One rev-parse for both: it prints the top level, then fails (exit 1, nothing more) on a ref that is no commit.
  const [top, commit] = await run('git', ['-C', root, 'rev-parse', '--show-toplevel', '--verify', '--quiet', `${ref}^{commit}`]).then(
    ({ stdout }) => stdout.split('\n'),
    (err: { stdout?: string }) => [err.stdout?.split('\n')[0] ?? ''],
  );
  if (!top) throw new GitRefError(`${root} is not inside a git repository`);
  if (!commit) {
    throw new GitRefError(`"${ref}" is not a commit in this repository (try a branch, a tag or a SHA; in CI fetch the base first: git fetch origin <branch>)`);
  }
  const prefix = path.relative(top, path.resolve(root)).split(path.sep).join('/');
  // -t lists the trees too, so empty folders and submodules are entries like any other; -l gives each blob's size.
  const listing = await git(top, ['ls-tree', '-r', '-t', '-l', '-z', '--full-tree', commit, ...(prefix ? ['--', `${prefix}/`] : [])]);
  const nodes = new Map<string, { type: EntryType; sha: string; size: number }>();
  const children = new Map<string, SourceEntry[]>();
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, , sha, size] = entry.slice(0, tab).split(/ +/);
    const full = entry.slice(tab + 1);
    if (prefix && !full.startsWith(`${prefix}/`)) continue;
    const file = prefix ? full.slice(prefix.length + 1) : full;
    const type = entryTypeOfGitMode(mode!);
    nodes.set(file, { type, sha: sha!, size: Number(size) });
    const slash = file.lastIndexOf('/');
    const dir = slash < 0 ? '' : file.slice(0, slash);
    const siblings = children.get(dir) ?? children.set(dir, []).get(dir)!;
    siblings.push({ name: file.slice(slash + 1), type });
  }
  const blob = blobReader(top);
  const readSync = new Map<string, Buffer>();
  return {
    label: `git:${ref}`,
    async entries(dir) {
      return children.get(dir) ?? [];
    },
    async read(file, limit = MAX_RECORD_BYTES) {
      const node = nodes.get(file);
      if (node === undefined) return undefined;
      const problem = entryProblem(node.type);
      if (problem) return refused(problem);
      if (node.size > limit) return refused({ code: 'file-too-large', size: node.size, limit });
      return decodeText(await blob(node.sha));
    },
    keyOf(file) {
      const node = nodes.get(file);
      return node?.type === 'file' && node.size <= MAX_RECORD_BYTES ? node.sha : undefined;
    },
    readNow(file) {
      const node = nodes.get(file);
      if (node?.type !== 'file' || node.size > MAX_RECORD_BYTES) return undefined;
      let bytes = readSync.get(node.sha);
      if (bytes === undefined) {
        // Positions are asked for file by file as diagnostics are made, and they come in groups (every
        // stale gate): the file's whole folder is read in one process. One process per file took 4.5 s for 267 gates.
        const slash = file.lastIndexOf('/');
        const dir = slash < 0 ? '' : file.slice(0, slash);
        const folder = (children.get(dir) ?? []).flatMap((e) => {
          const sibling = nodes.get(dir ? `${dir}/${e.name}` : e.name)!;
          return sibling.type === 'file' && sibling.size <= MAX_RECORD_BYTES && !readSync.has(sibling.sha) ? [sibling] : [];
        });
        const read = readBlobsSync(top, [...new Set(folder.map((n) => n.sha))], folder.reduce((sum, n) => sum + n.size, 0));
        for (const [sha, blobBytes] of read) readSync.set(sha, blobBytes);
        bytes = readSync.get(node.sha)!;
      }
      return decodeText(bytes);
    },
  };
}

/**
 * Reads blobs by sha; the reads asked for in one turn of the event loop (the
 * loader asks for all its files at once) share one `git cat-file --batch`.
 */
function blobReader(cwd: string): (sha: string) => Promise<Buffer> {
  const known = new Map<string, Promise<Buffer>>();
  let batch: Map<string, PromiseWithResolvers<Buffer>> | undefined;
  return (sha) => {
    const hit = known.get(sha);
    if (hit) return hit;
    if (!batch) {
      const current = new Map<string, PromiseWithResolvers<Buffer>>();
      batch = current;
      setImmediate(() => {
        batch = undefined;
        readBlobs(cwd, [...current.keys()]).then(
          (blobs) => current.forEach((p, s) => p.resolve(blobs.get(s)!)),
          (err: unknown) => current.forEach((p) => p.reject(err)),
        );
      });
    }
    const pending = Promise.withResolvers<Buffer>();
    batch.set(sha, pending);
    known.set(sha, pending.promise);
    return pending.promise;
  };
}
