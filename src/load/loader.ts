import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { OWNERS_FILE, type FileFormat, type Kind } from '../model/kinds.ts';
import { MANIFEST_FILE, WIDGET_SEED_FILE } from '../model/vocabulary.ts';
import { MAX_GENERATED_BYTES, problemDiagnostic, type FileRead } from './file-rules.ts';
import { listRecords } from './list-records.ts';
import { blobId } from '../util/blob-id.ts';
import { parseKey, type ParseCache } from './parse-cache.ts';
import { positionsOf, type ParsedFile, type Parser } from './parse-file.ts';
import { parseMany } from './parse-many.ts';
import { SourcePositions, type ParseProblem } from './parse-yaml.ts';
import type { InventorySource } from './source.ts';

export interface LoadedDocument {
  file: string;
  data: unknown;
  positions: SourcePositions;
}

export interface LoadedFile extends LoadedDocument {
  kind: Kind;
  /** The key of its content (parse-cache.ts `parseKey`), when it was read or known. */
  key?: string;
  /** The id the file name gives (`inventory/services/gitea.yaml` → `gitea`). */
  fileId: string;
  /** Markdown body, for runbooks and incidents. */
  body?: string;
  bodyLine?: number;
}

export interface LoadedInventory {
  source: string;
  files: LoadedFile[];
  manifest?: LoadedDocument;
  owners?: LoadedDocument;
  /** Raw text of the generated seed files, which validate compares with what `npm run seeds` would write. */
  seedTexts: SeedTexts;
  /** Dotfiles under inventory/ and gates/ (editor droppings, an interrupted write's temp file): not read, only counted. */
  dotfiles: string[];
  diagnostics: Diagnostic[];
}

export interface SeedTexts {
  manifest?: string;
  widgets?: string;
}

export interface LoadOptions {
  /** Results kept between runs; openInventory saves it once the records are modelled. */
  cache?: ParseCache;
  /** `fast` unless a test asks for the reference (parse-file.ts). */
  parser?: Parser;
  /**
   * Another load over a cache, or its modelled inventory (diff's head): each
   * of its record files with the same path and content key here, and no
   * diagnostic of its own, is taken as it is, so the two sides share it and
   * this load looks up only the rest.
   */
  reuse?: Pick<LoadedInventory, 'files' | 'diagnostics'>;
}

/** Reads every inventory file of a source, with positions for diagnostics; never throws on bad input, never skips a file without a word. */
export async function loadInventory(source: InventorySource, options: LoadOptions = {}): Promise<LoadedInventory> {
  const listing = await listRecords(source);
  const diagnostics = [...listing.diagnostics];
  const readable = (file: string) => !listing.refusedFolders.has(file.split('/')[0]!);
  const readNamed = (file: string, limit?: number) => (readable(file) ? source.read(file, limit) : Promise.resolve(undefined));

  // A file the source knows by content key (unchanged since the last run, or
  // named by a git tree) whose parse is cached is not read at all. Keys are
  // only worked out for a cache.
  const cache = options.parser === 'full' ? undefined : options.cache;
  const keyOf = (file: string) => (cache ? source.keyOf?.(file) : undefined);
  const known = listing.records.map((r) => (r.problem ? undefined : keyOf(r.file)));
  const reused = reusable(options.reuse);
  const shared = listing.records.map((r, i) => {
    const same = known[i] === undefined ? undefined : reused.get(r.file);
    return same?.key === parseKey(r.layout.format, known[i]!) ? same : undefined;
  });
  const cachedParse = listing.records.map((r, i) => (known[i] === undefined || shared[i] ? undefined : cache!.get(parseKey(r.layout.format, known[i]))));

  // One batch of reads, so a git source fetches every blob in one go.
  const [reads, manifestRead, ownersRead, widgetSeedRead] = await Promise.all([
    Promise.all(listing.records.map((r, i) => (r.problem || shared[i] || cachedParse[i] ? undefined : source.read(r.file)))),
    readNamed(MANIFEST_FILE),
    readNamed(OWNERS_FILE),
    readNamed(WIDGET_SEED_FILE, MAX_GENERATED_BYTES),
  ]);
  const textOf = (file: string, read: FileRead | undefined): string | undefined => {
    if (read === undefined || read.ok) return read?.text;
    diagnostics.push(problemDiagnostic(file, read.problem));
    return undefined;
  };
  const texts = listing.records.map((r, i) => {
    if (r.problem) diagnostics.push(problemDiagnostic(r.file, r.problem));
    return r.problem || shared[i] ? undefined : textOf(r.file, reads[i]);
  });
  const manifestText = textOf(MANIFEST_FILE, manifestRead);
  const ownersText = textOf(OWNERS_FILE, ownersRead);
  const widgetSeedText = textOf(WIDGET_SEED_FILE, widgetSeedRead);

  // Only files read as text are parsed; the rest keep their place in `parsed` as undefined.
  const input = (text: string | undefined, format: FileFormat, blob: string | undefined) =>
    text === undefined ? undefined : { text, format, ...(cache ? { key: parseKey(format, blob ?? blobId(text)) } : {}) };
  const inputs = [
    ...listing.records.map((r, i) => input(texts[i], r.layout.format, known[i])),
    input(manifestText, 'yaml', keyOf(MANIFEST_FILE)),
    input(ownersText, 'yaml', keyOf(OWNERS_FILE)),
  ];
  const results = parseMany(inputs.filter((i) => i !== undefined), cache, options.parser);
  let next = 0;
  const parsed = inputs.map((i, n) => (i === undefined ? cachedParse[n] : results[next++]));
  const keys = inputs.map((i, n) => i?.key ?? (cachedParse[n] ? parseKey(listing.records[n]!.layout.format, known[n]!) : undefined));
  /** The text of a file for its positions: read now when `keyOf` spared reading it, and only if it is still the content the cache knew. */
  const textFor = (n: number): string | undefined => {
    if (texts[n] !== undefined || !cachedParse[n]) return texts[n];
    const now = source.readNow?.(listing.records[n]!.file);
    return now?.ok && blobId(now.text) === known[n] ? now.text : undefined;
  };

  const files: LoadedFile[] = [];
  listing.records.forEach((r, i) => {
    if (shared[i]) {
      files.push(shared[i]);
      return;
    }
    const p = parsed[i];
    if (p) {
      diagnostics.push(...syntaxDiagnostics(r.file, p.problems));
      if (p.problems.length === 0 && !isMapping(p.data)) {
        diagnostics.push({
          file: r.file,
          line: 1,
          col: 1,
          severity: 'error',
          code: 'not-a-record',
          message: p.data === null ? 'the file holds no record' : 'a record must be a YAML mapping of fields',
          hint: `write the record's fields (id: ${r.fileId}, title: …), or delete the file`,
        });
      }
    }
    // A file that cannot be read or parsed still declares its id (data stays
    // null), so references to it are not reported as dangling on top of its own error.
    files.push({
      file: r.file,
      kind: r.layout.kind,
      fileId: r.fileId,
      ...(keys[i] !== undefined ? { key: keys[i] } : {}),
      data: p && isMapping(p.data) ? p.data : null,
      positions: positionsFor(p, () => textFor(i), r.layout.format),
      ...(p?.body !== undefined ? { body: p.body, bodyLine: p.bodyLine ?? 1 } : {}),
    });
  });

  const document = (file: string, read: FileRead | undefined, text: string | undefined, p: ParsedFile | undefined, hint: string): LoadedDocument | undefined => {
    if (read === undefined) {
      // A refused folder was reported already; the file below it is not also "missing".
      if (readable(file)) diagnostics.push({ file, line: 1, col: 1, severity: 'error', code: 'missing-file', message: `${file} is missing`, hint });
      return undefined;
    }
    if (!p) return undefined;
    diagnostics.push(...syntaxDiagnostics(file, p.problems));
    return p.problems.length > 0 ? undefined : { file, data: p.data, positions: positionsFor(p, () => text, 'yaml') };
  };
  const manifest = document(
    MANIFEST_FILE,
    manifestRead,
    manifestText,
    parsed[listing.records.length],
    'restore the manifest draft: it declares the widget types, event types, annotation categories and policy scopes',
  );
  const owners = document(
    OWNERS_FILE,
    ownersRead,
    ownersText,
    parsed[listing.records.length + 1],
    'restore the owners registry: a YAML list of {id, title, layer} for each owning repo',
  );

  return {
    source: source.label,
    files,
    ...(manifest ? { manifest } : {}),
    ...(owners ? { owners } : {}),
    seedTexts: {
      ...(manifestText !== undefined ? { manifest: manifestText } : {}),
      ...(widgetSeedText !== undefined ? { widgets: widgetSeedText } : {}),
    },
    dotfiles: listing.dotfiles,
    diagnostics,
  };
}

/** The record files of a load that can be shared, by path: those with a content key and no diagnostic (a file's own diagnostics follow from its path and content, but are not kept with it). */
function reusable(loaded: LoadOptions['reuse']): Map<string, LoadedFile> {
  if (!loaded) return new Map();
  const troubled = new Set(loaded.diagnostics.map((d) => d.file));
  return new Map(loaded.files.filter((f) => f.key !== undefined && !troubled.has(f.file)).map((f) => [f.file, f]));
}

/** The parse's positions, or (for a file the fast path read) a table computed from its text when first asked. */
function positionsFor(parsed: ParsedFile | undefined, text: () => string | undefined, format: FileFormat): SourcePositions {
  if (!parsed || parsed.positions) return new SourcePositions(parsed?.positions ?? []);
  return new SourcePositions(() => {
    const now = text();
    return now === undefined ? [] : positionsOf(now, format);
  });
}

function isMapping(data: unknown): data is Record<string, unknown> {
  return data !== null && typeof data === 'object' && !Array.isArray(data);
}

function syntaxDiagnostics(file: string, problems: readonly ParseProblem[]): Diagnostic[] {
  return problems.map((p) => ({
    file,
    line: p.line,
    col: p.col,
    severity: 'error' as const,
    code: 'yaml-syntax',
    message: p.message,
    hint: 'fix the YAML syntax at this line (indentation, quoting, a missing colon or a duplicate key)',
  }));
}
