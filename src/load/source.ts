import { closeSync, constants, fstatSync, openSync, readSync, type Dirent, type Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { checkedText, decodeText, describeProblem, entryProblem, MAX_RECORD_BYTES, refused, type EntryType, type FileRead } from './file-rules.ts';

export interface SourceEntry {
  name: string;
  type: EntryType;
}

/**
 * Where inventory files come from: the working tree, or (for diff) a git
 * revision. Paths are relative to the inventory root, with `/` separators.
 */
export interface InventorySource {
  /** A label for messages, e.g. the directory or `git:main`. */
  readonly label: string;
  /** The entries directly inside `dir` (`''` for the root), links listed as links; empty when `dir` is not a directory. */
  entries(dir: string): Promise<SourceEntry[]>;
  /**
   * The file's text, or why it is not taken (a link, not a regular file,
   * over `limit` bytes, not UTF-8, see file-rules.ts); undefined when it does not exist.
   */
  read(file: string, limit?: number): Promise<FileRead | undefined>;
  /**
   * The content key (git blob id, util/blob-id.ts) of a file, when the source
   * knows it without reading: a git tree lists it; a working-tree index
   * (tree-index.ts) knows files unchanged since the last run. The loader
   * then takes the file's parse from the cache and reads nothing.
   */
  keyOf?(file: string): string | undefined;
  /** The file's text, synchronously: how positions are found in a file `keyOf` spared reading, when a diagnostic points into it. */
  readNow?(file: string): FileRead | undefined;
}

/**
 * Inventory paths (relative, `/`-separated, as listed) to paths under `root`:
 * the root is joined once, so thousands of files do not each pay a join.
 */
export function pathsUnder(root: string): (file: string) => string {
  const base = path.join(root, path.sep);
  return (file) => base + file;
}

export function directorySource(root: string): InventorySource {
  const at = pathsUnder(root);
  return {
    label: root,
    async entries(dir) {
      try {
        const entries = await readdir(path.join(root, dir), { withFileTypes: true });
        return entries.map((e) => ({ name: e.name, type: entryType(e) }));
      } catch (err) {
        if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return [];
        throw err;
      }
    },
    async read(file, limit = MAX_RECORD_BYTES) {
      // Synchronous on purpose: for thousands of small files it is several
      // times faster than a promise per file.
      return readRegularFile(at(file), limit);
    },
    readNow: (file) => readRegularFile(at(file), MAX_RECORD_BYTES),
  };
}

/** A source with some files' text replaced: how an edit is validated through the loader before it is written. */
export function overlaySource(base: InventorySource, texts: ReadonlyMap<string, string>): InventorySource {
  return {
    label: base.label,
    entries: (dir) => base.entries(dir),
    read: async (file, limit = MAX_RECORD_BYTES) => {
      const text = texts.get(file);
      return text === undefined ? base.read(file, limit) : checkedText(text, limit);
    },
    ...(base.keyOf ? { keyOf: (file: string) => (texts.has(file) ? undefined : base.keyOf!(file)) } : {}),
    ...(base.readNow ? { readNow: (file: string) => (texts.has(file) ? checkedText(texts.get(file)!, MAX_RECORD_BYTES) : base.readNow!(file)) } : {}),
  };
}

/** A file's text for an edit; throws, naming the file, when it is there but not taken as text. */
export async function readText(source: InventorySource, file: string): Promise<string | undefined> {
  const read = await source.read(file);
  if (read === undefined || read.ok) return read?.text;
  throw new Error(`${file} ${describeProblem(read.problem)}`);
}

// Dirents carry lstat's type, so classifying entries costs no syscall beyond the readdir.
export function entryType(e: Dirent | Stats): EntryType {
  if (e.isFile()) return 'file';
  if (e.isDirectory()) return 'directory';
  if (e.isSymbolicLink()) return 'symlink';
  if (e.isSocket()) return 'socket';
  if (e.isFIFO()) return 'fifo';
  return 'device';
}

// O_NOFOLLOW: a file swapped for a link after it was listed is still not
// followed; O_NONBLOCK: opening a named pipe must not wait for a writer.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The same syscalls as readFileSync (open, fstat, read, close), with the type and size checked before reading. */
export function readRegularFile(file: string, limit: number): FileRead | undefined {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') return refused({ code: 'symlink' });
    if (code === 'ENXIO') return refused({ code: 'not-a-file', type: 'socket' });
    throw err;
  }
  try {
    const stat = fstatSync(fd);
    const problem = entryProblem(entryType(stat));
    if (problem) return refused(problem);
    if (stat.size > limit) return refused({ code: 'file-too-large', size: stat.size, limit });
    const bytes = Buffer.allocUnsafe(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const n = readSync(fd, bytes, filled, bytes.length - filled, null);
      if (n === 0) break;
      filled += n;
    }
    return decodeText(bytes.subarray(0, filled));
  } finally {
    closeSync(fd);
  }
}
