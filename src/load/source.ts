import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where inventory files come from: the working tree, or (for diff) a git
 * revision. Paths are relative to the inventory root, with `/` separators.
 */
export interface InventorySource {
  /** A label for messages, e.g. the directory or `git:main`. */
  readonly label: string;
  /** All files below `dir`, recursively; empty when `dir` does not exist. */
  list(dir: string): Promise<string[]>;
  /** The file's text, or undefined when it does not exist. */
  read(file: string): Promise<string | undefined>;
}

export function directorySource(root: string): InventorySource {
  return {
    label: root,
    async list(dir) {
      try {
        const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true });
        return entries
          .filter((e) => e.isFile())
          .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
          .sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    async read(file) {
      try {
        // Synchronous on purpose: for thousands of small files it is several
        // times faster than a promise per file.
        return readFileSync(path.join(root, file), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}

/** A source with some files' text replaced: how an edit is validated through the loader before it is written. */
export function overlaySource(base: InventorySource, texts: ReadonlyMap<string, string>): InventorySource {
  return {
    label: base.label,
    list: (dir) => base.list(dir),
    read: async (file) => texts.get(file) ?? base.read(file),
  };
}
