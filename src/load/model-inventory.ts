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
  /** A fingerprint of `vocabulary`: records judged against the same one are the same. */
  vocabularyKey: string;
  schemas: KindSchemas;
  diagnostics: Diagnostic[];
}

/**
 * Validates loaded files against the zod model; what fails stays out of the
 * records. With a cache, a file whose content, kind and vocabulary were
 * validated before is not validated again. With `reuse` (diff's head, whose
 * files the loader shared with this side), a shared file judged against the
 * same vocabulary is the record `reuse` holds for it.
 */
export function modelInventory(loaded: LoadedInventory, cache?: ParseCache, reuse?: ModelledInventory): ModelledInventory {
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];

  const manifest = parseDocument(loaded.manifest, manifestSchema, diagnostics);
  // A registry that does not load leaves its names unchecked (vocabulary.unloaded), not every record in error.
  const owners = parseDocument(loaded.owners, ownersSchema, diagnostics);
  const vocabulary = vocabularyOf(manifest, owners);
  const vocabularyKey = createHash('sha1').update(JSON.stringify(vocabulary)).digest('base64');
  const schemas = schemasFor(vocabularyKey, vocabulary);

  const records: AnyRecord[] = [];
  const declaredIds = new Map<string, Kind>();
  const shared = sharedRecords(reuse, vocabularyKey);
  for (const file of loaded.files) {
    const declared = (file.data as { id?: unknown } | null)?.id;
    declaredIds.set(typeof declared === 'string' ? declared : file.fileId, file.kind);
    if (file.data === null) continue;
    const same = shared?.get(file);
    if (same) {
      records.push(same);
      continue;
    }
    const modelled = modelFileCached(file, vocabularyKey, schemas, cache);
    if (!modelled.ok) {
      diagnostics.push(...modelled.diagnostics.map((d) => ({ file: file.file, ...d, recordId: file.fileId })));
      continue;
    }
    // The schema was chosen by file.kind, so data and kind agree.
    records.push({
      id: (modelled.data as { id: string }).id,
      kind: file.kind,
      file: file.file,
      ...(file.key !== undefined ? { key: file.key } : {}),
      data: modelled.data,
      positions: file.positions,
      ...(file.body !== undefined ? { body: file.body } : {}),
    } as AnyRecord);
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
    vocabularyKey,
    schemas,
    diagnostics,
  };
}

/** The records of `reuse` by the file object they were modelled from, when it was judged against the same vocabulary. */
function sharedRecords(reuse: ModelledInventory | undefined, vocabularyKey: string): Map<LoadedFile, AnyRecord> | undefined {
  if (reuse?.vocabularyKey !== vocabularyKey) return undefined;
  const byPath = new Map(reuse.records.map((r) => [r.file, r]));
  const shared = new Map<LoadedFile, AnyRecord>();
  for (const file of reuse.files) {
    const record = byPath.get(file.file);
    if (record) shared.set(file, record);
  }
  return shared;
}

/** A file's validation, from the cache when it has it. */
function modelFileCached(file: LoadedFile, vocabularyKey: string, schemas: KindSchemas, cache: ParseCache | undefined): ModelledFile {
  const key = file.key === undefined ? undefined : `${file.kind}:${file.key}`;
  const known = key === undefined ? undefined : cache?.getModelled?.(vocabularyKey, key);
  if (known) return known;
  const modelled = modelFile(file, schemas[file.kind]);
  return key === undefined ? modelled : (cache?.setModelled?.(vocabularyKey, key, modelled) ?? modelled);
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
