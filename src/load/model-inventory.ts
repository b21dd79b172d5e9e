import { createHash } from 'node:crypto';
import type { ZodType } from 'zod';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { schemaDiagnostics } from './schema-issues.ts';
import type { LoadedDocument, LoadedFile, LoadedInventory, SeedTexts } from './loader.ts';
import type { ModelledFile, ParseCache } from './parse-cache.ts';
import type { SourcePositions } from './parse-yaml.ts';
import type { Kind } from '../model/kinds.ts';
import { buildSchemas, type KindSchemas, type RecordData } from '../model/schemas.ts';
import { manifestSchema, ownersSchema, vocabularyOf, type Manifest, type Owner, type Vocabulary } from '../model/vocabulary.ts';

export interface InventoryRecord<K extends Kind = Kind> {
  id: string;
  kind: K;
  file: string;
  /** The key of its file's content (parse-cache.ts): two records with the same key hold the same data. */
  key?: string;
  data: RecordData<K>;
  body?: string;
  positions: SourcePositions;
}

/** A record of some kind, narrowed by checking `kind`. */
export type AnyRecord = { [K in Kind]: InventoryRecord<K> }[Kind];

export interface ModelledInventory {
  records: AnyRecord[];
  /** Every id a file declares, valid or not: references to a broken record are not also dangling. */
  declaredIds: Map<string, Kind>;
  /** Files whose content is kept for checks that read raw data (secrets). */
  files: LoadedFile[];
  manifest?: Manifest;
  manifestDocument?: LoadedDocument;
  ownersDocument?: LoadedDocument;
  seedTexts: SeedTexts;
  /** Dotfiles the loader left alone (see LoadedInventory). */
  dotfiles: string[];
  owners: Owner[];
  vocabulary: Vocabulary;
  schemas: KindSchemas;
  diagnostics: Diagnostic[];
}

/**
 * Validates loaded files against the zod model; what fails stays out of the
 * records. With a cache, a file whose content, kind and vocabulary were
 * validated before is not validated again.
 */
export function modelInventory(loaded: LoadedInventory, cache?: ParseCache): ModelledInventory {
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];

  const manifest = parseDocument(loaded.manifest, manifestSchema, diagnostics);
  // A registry that does not load leaves its names unchecked (vocabulary.unloaded), not every record in error.
  const owners = parseDocument(loaded.owners, ownersSchema, diagnostics);
  const vocabulary = vocabularyOf(manifest, owners);
  const vocabularyKey = createHash('sha1').update(JSON.stringify(vocabulary)).digest('base64');
  const schemas = schemasFor(vocabularyKey, vocabulary);

  const records: AnyRecord[] = [];
  const declaredIds = new Map<string, Kind>();
  for (const file of loaded.files) {
    const declared = (file.data as { id?: unknown } | null)?.id;
    declaredIds.set(typeof declared === 'string' ? declared : file.fileId, file.kind);
    if (file.data === null) continue;
    let outcome = modelledFiles.get(file);
    if (outcome?.vocabularyKey !== vocabularyKey) {
      outcome = modelRecord(file, vocabularyKey, schemas, cache);
      modelledFiles.set(file, outcome);
    }
    if (outcome.record) records.push(outcome.record);
    else diagnostics.push(...outcome.diagnostics);
  }

  return {
    records,
    declaredIds,
    files: loaded.files,
    ...(manifest ? { manifest } : {}),
    ...(loaded.manifest ? { manifestDocument: loaded.manifest } : {}),
    ...(loaded.owners ? { ownersDocument: loaded.owners } : {}),
    seedTexts: loaded.seedTexts,
    dotfiles: loaded.dotfiles,
    owners: owners ?? [],
    vocabulary,
    schemas,
    diagnostics,
  };
}

/** A file's record, or its diagnostics, against one vocabulary. */
interface ModelledRecord {
  vocabularyKey: string;
  record?: AnyRecord;
  diagnostics: Diagnostic[];
}

// A file loaded once is modelled once per vocabulary: the two sides of a diff
// share the files a change left alone (loader.ts `reuse`), and so their records.
const modelledFiles = new WeakMap<LoadedFile, ModelledRecord>();

function modelRecord(file: LoadedFile, vocabularyKey: string, schemas: KindSchemas, cache: ParseCache | undefined): ModelledRecord {
  const key = file.key === undefined ? undefined : `${file.kind}:${file.key}`;
  let modelled = key === undefined ? undefined : cache?.getModelled?.(vocabularyKey, key);
  if (!modelled) {
    modelled = modelFile(file, schemas[file.kind]);
    if (key !== undefined) modelled = cache?.setModelled?.(vocabularyKey, key, modelled) ?? modelled;
  }
  if (!modelled.ok) return { vocabularyKey, diagnostics: modelled.diagnostics.map((d) => ({ file: file.file, ...d, recordId: file.fileId })) };
  // The schema was chosen by file.kind, so data and kind agree.
  const record = {
    id: (modelled.data as { id: string }).id,
    kind: file.kind,
    file: file.file,
    ...(file.key !== undefined ? { key: file.key } : {}),
    data: modelled.data,
    positions: file.positions,
    ...(file.body !== undefined ? { body: file.body } : {}),
  } as AnyRecord;
  return { vocabularyKey, record, diagnostics: [] };
}

let lastSchemas: { vocabularyKey: string; schemas: KindSchemas } | undefined;

/** The schemas of a vocabulary; the two sides of a diff, which share one as a rule, share them, and so what the graph derives from them. */
function schemasFor(vocabularyKey: string, vocabulary: Vocabulary): KindSchemas {
  if (lastSchemas?.vocabularyKey !== vocabularyKey) lastSchemas = { vocabularyKey, schemas: buildSchemas(vocabulary) };
  return lastSchemas.schemas;
}

function modelFile(file: LoadedFile, schema: KindSchemas[Kind]): ModelledFile {
  const result = schema.safeParse(file.data, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  const target = { file: file.file, kind: file.kind, positions: file.positions, recordId: file.fileId, schema };
  return { ok: false, diagnostics: schemaDiagnostics(result.error.issues, target).map(({ file: _file, recordId: _id, ...d }) => d) };
}

function parseDocument<T>(
  doc: LoadedDocument | undefined,
  schema: ZodType<T>,
  diagnostics: Diagnostic[],
): T | undefined {
  if (!doc) return undefined;
  const result = schema.safeParse(doc.data, { reportInput: true });
  if (result.success) return result.data;
  diagnostics.push(...schemaDiagnostics(result.error.issues, { file: doc.file, positions: doc.positions, schema }));
  return undefined;
}
