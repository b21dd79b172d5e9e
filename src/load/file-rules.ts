import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/**
 * What the loader takes as a file to read: a regular file, at most so large,
 * in UTF-8. Every source (working tree, git blobs, an overlay of edits)
 * applies these rules, so what validate accepts is what diff and probe accept.
 */

/** How a directory entry is stored, as lstat (or a git tree's mode) says: links are never followed. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'submodule' | 'socket' | 'fifo' | 'device';

/** A record, the owners registry or the manifest is hand-written text: anything larger is a mistake, and is not parsed. */
export const MAX_RECORD_BYTES = 1 << 20;
/** The widget seed is generated with one entry per record, so it may grow with a large inventory. */
export const MAX_GENERATED_BYTES = 64 << 20;

export type FileProblem =
  | { code: 'symlink' }
  | { code: 'not-a-file'; type: Exclude<EntryType, 'file' | 'symlink'> }
  | { code: 'file-too-large'; size: number; limit: number }
  | { code: 'not-utf8'; line: number; col: number; byte: number };

/** A file's text, or why it is not taken. */
export type FileRead = { ok: true; text: string } | { ok: false; problem: FileProblem };

/** The problem of an entry that is not a regular file; undefined for a file. */
/** Git's file modes: a link is stored as a blob holding its target, and is never read as one. */
const GIT_MODES: Record<string, EntryType> = { '040000': 'directory', '120000': 'symlink', '160000': 'submodule' };

/** What a git tree entry of this mode is, under the same rules as the working tree's entries. */
export function entryTypeOfGitMode(mode: string): EntryType {
  return GIT_MODES[mode] ?? 'file';
}

export function entryProblem(type: EntryType): FileProblem | undefined {
  if (type === 'file') return undefined;
  if (type === 'symlink') return { code: 'symlink' };
  return { code: 'not-a-file', type };
}

export function refused(problem: FileProblem): FileRead {
  return { ok: false, problem };
}

// `fatal` turns a bad byte into an error instead of U+FFFD, so no replacement
// character ever reaches a page; `ignoreBOM` keeps a BOM, so edits written back keep it too.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes of a file already known to be regular and within its limit, as text. */
export function decodeText(bytes: Uint8Array): FileRead {
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return refused(notUtf8At(bytes, firstInvalidUtf8(bytes)));
  }
}

/** Text that did not come from a file (an edit about to be written) under the same size rule. */
export function checkedText(text: string, limit: number): FileRead {
  const size = Buffer.byteLength(text);
  return size > limit ? refused({ code: 'file-too-large', size, limit }) : { ok: true, text };
}

/** One sentence saying why a file is not read, for errors outside the diagnostics (e.g. a probe edit). */
export function describeProblem(problem: FileProblem): string {
  switch (problem.code) {
    case 'symlink':
      return 'is a symbolic link; records are regular files inside the repository, and a link is never followed';
    case 'not-a-file':
      return `is ${TYPE_NAMES[problem.type]}, not a file`;
    case 'file-too-large':
      return `is ${problem.size} bytes (${formatBytes(problem.size)}), over the ${formatBytes(problem.limit)} limit, so it is not parsed`;
    case 'not-utf8':
      return `is not valid UTF-8: byte 0x${problem.byte.toString(16).padStart(2, '0')} at line ${problem.line}, byte ${problem.col} of the line, starts no valid character`;
  }
}

const TYPE_NAMES: Record<Exclude<EntryType, 'file' | 'symlink'>, string> = {
  directory: 'a directory',
  submodule: 'a git submodule',
  socket: 'a socket',
  fifo: 'a named pipe (FIFO)',
  device: 'a device file',
};

const HINTS: Record<FileProblem['code'], string> = {
  symlink: 'replace the link with the file itself (copy the content in, then commit the file), or delete the link',
  'not-a-file': 'delete it or move it out of the inventory: only regular files are read here',
  'file-too-large': 'keep records small: move bulky content (logs, dumps, attachments) out of the repository and link to it',
  'not-utf8': 'save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`), or remove the stray byte at that line',
};

/** The diagnostic for a file the loader does not take; the code is the problem's, so each case is stable and documented. */
export function problemDiagnostic(file: string, problem: FileProblem, hint = HINTS[problem.code]): Diagnostic {
  const at = problem.code === 'not-utf8' ? { line: problem.line, col: problem.col } : { line: 1, col: 1 };
  return { file, ...at, severity: 'error', code: problem.code, message: `${file} ${describeProblem(problem)}`, hint };
}

function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${+(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${+(n / (1 << 10)).toFixed(2)} KiB`;
  return `${n} bytes`;
}

function notUtf8At(bytes: Uint8Array, offset: number): FileProblem {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { code: 'not-utf8', line, col: offset - lineStart + 1, byte: bytes[offset] ?? 0 };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    // Sequence length and the allowed range of its second byte (no overlongs, surrogates or code points past U+10FFFF).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b < 0x80) length = 1;
    else if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      // A truncated or broken sequence is reported at its lead byte, where an editor shows the odd character.
      if (c === undefined || c < min || c > max) return i;
    }
    i += length;
  }
  return bytes.length;
}
