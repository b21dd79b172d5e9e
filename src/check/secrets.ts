import type { LoadedDocument, LoadedFile } from '../load/loader.ts';
import type { PathSegment } from '../model/references.ts';
import { at } from './at.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/** Value shapes that are credentials wherever they appear. Messages never repeat the value. */
const SECRET_VALUES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'a private key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  { name: 'an age secret key', pattern: /AGE-SECRET-KEY-1[0-9A-Z]{20,}/ },
  { name: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { name: 'a bearer token', pattern: /\bbearer\s+[A-Za-z0-9._~+/-]{16,}=*/i },
  { name: 'an AWS access key', pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  {
    name: 'an API token',
    pattern: /\b(?:ghp|gho|ghs|ghu|ghr|github_pat|glpat|xox[abprs]|sk|sk_live|rk_live|hvs|hvb)[-_][A-Za-z0-9_-]{16,}/,
  },
  { name: 'credentials in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]+:[^\s/?#@]+@/i },
  {
    name: 'a credential in a URL query string',
    pattern: /[?&](?:access_token|token|api[-_]?key|apikey|password|secret|client_secret|sig)=[^&\s]+/i,
  },
];

/**
 * Matches whatever any of SECRET_VALUES matches (and a little more, being
 * case-insensitive throughout): one test per value instead of eight, since
 * almost no value of an inventory is a credential.
 */
const ANY_SECRET_VALUE = new RegExp(SECRET_VALUES.map((s) => `(?:${s.pattern.source})`).join('|'), 'i');

/** What a value looks like when it is a credential (`a JSON Web Token`…), for callers that must withhold it. */
export function secretShapeOf(value: string): string | undefined {
  return ANY_SECRET_VALUE.test(value) ? SECRET_VALUES.find((s) => s.pattern.test(value))?.name : undefined;
}

/** Field names that hold credentials; any non-empty value under them is a leak. */
const SECRET_FIELD = /(?:password|passwd|secret|token|credentials?|authorization|cookie)$|(?:^|[-_])(?:key|pat)$/i;

/** Field names repeat across records (`title`, `description`…): each is judged once. */
const secretFieldNames = new Map<string, boolean>();
function isSecretField(key: string): boolean {
  let secret = secretFieldNames.get(key);
  if (secret === undefined) secretFieldNames.set(key, (secret = SECRET_FIELD.test(key.replace(/([a-z])([A-Z])/g, '$1_$2'))));
  return secret;
}

const HINT =
  'remove it from the inventory and rotate it; keep secrets in the operator secret store (e.g. OpenBao) and name only where they live';

/** An inventory must never hold a secret: scans every value and field name, valid record or not. */
export function checkSecrets(files: readonly (LoadedFile | LoadedDocument)[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of files) {
    const where = { file: file.file, positions: file.positions, ...('fileId' in file ? { id: file.fileId } : {}) };
    walk(file.data, [], (path, value, key) => {
      if (key !== undefined && isSecretField(key) && nonEmpty(value)) {
        out.push(at(where, path, 'error', 'secret-field', `field "${key}" holds a value; fields named like a credential must not`, HINT));
        return;
      }
      if (typeof value !== 'string') return;
      const hit = secretShapeOf(value);
      if (hit) out.push(at(where, path, 'error', 'secret-value', `this value looks like ${hit}`, HINT));
    });
    if ('body' in file && file.body && ANY_SECRET_VALUE.test(file.body)) {
      file.body.split('\n').forEach((line, i) => {
        const hit = secretShapeOf(line);
        if (hit) {
          out.push({
            file: file.file,
            line: (file.bodyLine ?? 1) + i,
            col: 1,
            severity: 'error',
            code: 'secret-value',
            message: `this line looks like it holds ${hit}`,
            hint: HINT,
            recordId: file.fileId,
          });
        }
      });
    }
  }
  return out;
}

function nonEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * Visits every value with its path; `path` is one array the walk pushes and
 * pops, so a visitor that keeps it must copy it (`at` reads it at once).
 */
function walk(
  value: unknown,
  path: PathSegment[],
  visit: (path: PathSegment[], value: unknown, key?: string) => void,
): void {
  const key = path.at(-1);
  visit(path, value, typeof key === 'string' ? key : undefined);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, visit);
      path.pop();
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      path.push(k);
      walk((value as Record<string, unknown>)[k], path, visit);
      path.pop();
    }
  }
}
