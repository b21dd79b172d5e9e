import type { LoadedFile } from '../load/loader.ts';
import { at } from './at.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/** The file name is the id, and an id is unique across the whole inventory. */
export function checkIdentity(files: readonly LoadedFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const firstFileOf = new Map<string, string>();
  for (const file of files) {
    const declared = (file.data as { id?: unknown } | null)?.id;
    const where = { file: file.file, positions: file.positions, id: file.fileId };
    if (typeof declared === 'string' && declared !== file.fileId) {
      out.push(
        at(where, ['id'], 'error', 'id-mismatch', `id "${declared}" differs from the file name "${file.fileId}"`,
          `rename the file to ${file.file.replace(/[^/]+$/, '')}${declared}${file.file.match(/\.[^.]+$/)?.[0] ?? ''}, or set id: ${file.fileId}`),
      );
    }
    const id = typeof declared === 'string' ? declared : file.fileId;
    const first = firstFileOf.get(id);
    if (first === undefined) firstFileOf.set(id, file.file);
    else {
      out.push(
        at(where, ['id'], 'error', 'duplicate-id', `id "${id}" is already used by ${first}`,
          'ids are unique across all kinds: choose another id (and file name) for one of the two'),
      );
    }
  }
  return out;
}
