import { KINDS, type Kind } from '../model/kinds.ts';
import type { AnyRecord, InventoryRecord } from '../load/model-inventory.ts';
import { collectRefs, type PathSegment } from '../model/references.ts';
import type { KindSchemas } from '../model/schemas.ts';
import type { Owner, Vocabulary } from '../model/vocabulary.ts';
import type { Manifest } from '../model/vocabulary.ts';
import { deriveBackupCoverage, type StoreCoverage } from './coverage.ts';
import { deriveGateStatus, type EvidenceSources, type GateStatus } from './gate-status.ts';
import type { GraphQueries } from './graph-queries.ts';
import { deriveWaveReadiness, type WaveReadiness } from './waves.ts';

/** The order of ids in the graph (`all`, `byKind`, relations): `localeCompare`'s, without building a collator per comparison. */
export const compareIds = new Intl.Collator().compare;

export interface Relation {
  from: string;
  to: string;
  /** The field of `from` that names `to` (e.g. `dependsOn`). */
  field: string;
  path: PathSegment[];
}

export interface UnresolvedRef {
  record: AnyRecord;
  path: PathSegment[];
  id: string;
  expected: readonly Kind[] | 'any';
  /** Set when the id exists but names a record of another kind. */
  actualKind?: Kind;
}

export interface GraphInput {
  records: readonly AnyRecord[];
  declaredIds: ReadonlyMap<string, Kind>;
  schemas: KindSchemas;
  owners: readonly Owner[];
  vocabulary: Vocabulary;
  manifest?: Manifest;
}

/**
 * The inventory as one graph: records by id, relations both ways, and the
 * facts derived from them (gate status, backup coverage, wave readiness) at a
 * given `now`. Built once; every consumer asks it instead of re-walking files.
 */
export class InventoryGraph implements GraphQueries {
  readonly now: number;
  readonly owners: readonly Owner[];
  readonly vocabulary: Vocabulary;
  readonly manifest: Manifest | undefined;
  readonly unresolved: UnresolvedRef[] = [];
  /** Records that repeat an id already taken; kept out of the graph. */
  readonly duplicates: AnyRecord[] = [];

  private readonly byId = new Map<string, AnyRecord>();
  private readonly byKindList = new Map<Kind, AnyRecord[]>(KINDS.map((k) => [k, []]));
  private readonly outgoingMap = new Map<string, Relation[]>();
  private readonly incomingMap = new Map<string, Relation[]>();
  private gateCache?: Map<string, GateStatus>;
  private coverageCache?: StoreCoverage[];
  private waveCache?: WaveReadiness[];

  constructor(input: GraphInput, now: number) {
    this.now = now;
    this.owners = input.owners;
    this.vocabulary = input.vocabulary;
    this.manifest = input.manifest;
    const sorted = [...input.records].sort((a, b) => compareIds(a.id, b.id));
    for (const record of sorted) {
      if (this.byId.has(record.id)) {
        this.duplicates.push(record);
        continue;
      }
      this.byId.set(record.id, record);
      this.byKindList.get(record.kind)!.push(record);
    }
    for (const record of this.byId.values()) {
      for (const ref of collectRefs(input.schemas[record.kind], record.data)) {
        const target = this.byId.get(ref.id);
        const actualKind = target?.kind ?? input.declaredIds.get(ref.id);
        const kindOk = ref.targets === 'any' || (actualKind !== undefined && ref.targets.includes(actualKind));
        if (!target || !kindOk) {
          // A reference to a declared but invalid record is not reported twice.
          if (!target && actualKind !== undefined && kindOk) continue;
          this.unresolved.push({
            record,
            path: ref.path,
            id: ref.id,
            expected: ref.targets,
            ...(actualKind !== undefined ? { actualKind } : {}),
          });
          continue;
        }
        const relation: Relation = { from: record.id, to: ref.id, field: ref.field, path: ref.path };
        push(this.outgoingMap, record.id, relation);
        push(this.incomingMap, ref.id, relation);
      }
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): AnyRecord | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  all(): AnyRecord[] {
    return [...this.byId.values()];
  }

  byKind<K extends Kind>(kind: K): InventoryRecord<K>[] {
    return this.byKindList.get(kind) as unknown as InventoryRecord<K>[];
  }

  outgoing(id: string): readonly Relation[] {
    return this.outgoingMap.get(id) ?? [];
  }

  incoming(id: string): readonly Relation[] {
    return this.incomingMap.get(id) ?? [];
  }

  /** Records of a kind that point at `id` (e.g. the backup sets of a store). */
  referrers<K extends Kind>(id: string, kind: K, field?: string): InventoryRecord<K>[] {
    const seen = new Set<string>();
    const out: InventoryRecord<K>[] = [];
    for (const rel of this.incoming(id)) {
      if (seen.has(rel.from) || (field !== undefined && rel.field !== field)) continue;
      const record = this.byId.get(rel.from);
      if (record?.kind === kind) {
        seen.add(rel.from);
        out.push(record as unknown as InventoryRecord<K>);
      }
    }
    return out;
  }

  gateStatus(id: string): GateStatus | undefined {
    return this.gateStatuses().get(id);
  }

  gateStatuses(): ReadonlyMap<string, GateStatus> {
    if (!this.gateCache) {
      const stores = new Map(this.backupCoverage().map((c) => [c.store.id, c.backupSets]));
      const sources: EvidenceSources = {
        endpointEvidence: (endpointId) => {
          const endpoint = this.byId.get(endpointId);
          return endpoint?.kind === 'endpoint' ? (endpoint.data.evidence ?? []) : [];
        },
        backupSetsOf: (storeId) => stores.get(storeId) ?? [],
      };
      this.gateCache = new Map(this.byKind('readiness-gate').map((gate) => [gate.id, deriveGateStatus(gate, sources, this.now)]));
    }
    return this.gateCache;
  }

  backupCoverage(): readonly StoreCoverage[] {
    this.coverageCache ??= deriveBackupCoverage(this);
    return this.coverageCache;
  }

  waveReadiness(): readonly WaveReadiness[] {
    this.waveCache ??= deriveWaveReadiness(this);
    return this.waveCache;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
