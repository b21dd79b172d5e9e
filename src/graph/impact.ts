import type { Kind } from '../model/kinds.ts';
import { compareIds, type InventoryGraph, type Relation } from './graph.ts';

/**
 * What breaks if a record goes down (its dependents, downstream) and what it
 * needs to work (its dependencies, upstream), transitively, over the relations
 * that carry operational dependency. Pure: graph in, impact out.
 */

export type ImpactDirection = 'downstream' | 'upstream';

/**
 * A relation that carries operational dependency. Most relations point from
 * the dependent to what it needs (a service to its cluster); a gate's `wave`
 * points the other way (the wave needs its gates).
 */
interface DependencyRule {
  dependent: 'from' | 'to';
  /** The dependency read from the dependent: "Git hosting runs on Old k3s". */
  phrase: string;
}

const needs = (phrase: string): DependencyRule => ({ dependent: 'from', phrase });

/**
 * Releases, runbooks, incidents and risks are about records, not needed by or
 * needing them to run, so they carry no impact.
 */
const RULES: Partial<Record<Kind, Readonly<Record<string, DependencyRule>>>> = {
  host: { environment: needs('runs in') },
  cluster: { environment: needs('runs in'), hosts: needs('runs on') },
  service: {
    environment: needs('runs in'),
    cluster: needs('runs on'),
    host: needs('runs on'),
    dependsOn: needs('depends on'),
    datastores: needs('stores data in'),
  },
  endpoint: { service: needs('served by') },
  'backup-set': { service: needs('backs up') },
  'readiness-gate': {
    concerns: needs('concerns'),
    requires: needs('takes evidence from'),
    wave: { dependent: 'to', phrase: 'is gated by' },
  },
};

/** One relation on a path: the record reached and how it is linked to the one before. */
export interface ImpactStep {
  id: string;
  /** The relation field, e.g. `cluster`. */
  field: string;
  /** Read from the dependent, e.g. "runs on". */
  phrase: string;
}

export interface ImpactEntry {
  id: string;
  kind: Kind;
  /** The start record the path leaves from (one of several, for a change). */
  from: string;
  /** From `from` (excluded) to this record (included): a shortest chain of dependencies. */
  path: ImpactStep[];
}

export interface ImpactSide {
  /** Every record reached, however many are listed. */
  count: number;
  byKind: Partial<Record<Kind, number>>;
  /** The nearest `limit` records, nearest first, each with its path. */
  entries: ImpactEntry[];
}

export interface ImpactOptions {
  /** How many entries to list with their paths (the rest is counted). Default: all. */
  limit?: number;
}

interface Link {
  id: string;
  step: ImpactStep;
}

/** Per graph and direction, each record's links, worked out when a walk first reaches the record. */
const linkMemos = new WeakMap<InventoryGraph, Record<ImpactDirection, Map<string, readonly Link[]>>>();

/**
 * The relations that carry dependency from record `id` towards its dependents
 * (downstream) or its dependencies (upstream). A change's walk reaches a few
 * hundred of ten thousand records, so only those are looked at. The links come
 * in the order the graph states its relations: by the id of the record that
 * holds them, then as that record lists them, so a walk finds the same
 * shortest paths however many records were looked at before.
 */
function linksOf(graph: InventoryGraph, id: string, direction: ImpactDirection): readonly Link[] {
  let memo = linkMemos.get(graph);
  if (!memo) linkMemos.set(graph, (memo = { downstream: new Map(), upstream: new Map() }));
  const known = memo[direction].get(id);
  if (known) return known;
  const link = (relation: Relation): Link[] => {
    const rule = RULES[graph.get(relation.from)!.kind]?.[relation.field];
    if (!rule) return [];
    const [dependent, dependency] = rule.dependent === 'from' ? [relation.from, relation.to] : [relation.to, relation.from];
    const [here, there] = direction === 'downstream' ? [dependency, dependent] : [dependent, dependency];
    return here === id ? [{ id: there, step: { id: there, field: relation.field, phrase: rule.phrase } }] : [];
  };
  // Relations held by other records (in the graph's order), with this record's own at its place among them.
  const held = graph.incoming(id).filter((r) => r.from !== id);
  const at = held.findIndex((r) => compareIds(r.from, id) > 0);
  const ordered = at < 0 ? [...held, ...graph.outgoing(id)] : [...held.slice(0, at), ...graph.outgoing(id), ...held.slice(at)];
  const links = ordered.flatMap(link);
  memo[direction].set(id, links);
  return links;
}

/** Everything reached from the start records, nearest first; paths are built only for the entries asked for. */
export interface ImpactWalk {
  /** Every record reached, by breadth-first order: a record's path is never longer than a later one's. */
  readonly order: readonly string[];
  /** How many relations away from the start records it is: its path's length. */
  depth(id: string): number;
  /** Its entry, with a shortest path from the start records. */
  entry(id: string): ImpactEntry;
}

/**
 * Breadth first from `start` (one record, or every record of a change), so
 * each record is reached once, by a shortest path; a cycle stops at records
 * already reached. The start records themselves are not part of the result.
 */
export function walkImpact(graph: InventoryGraph, start: string | Iterable<string>, direction: ImpactDirection): ImpactWalk {
  const starts = new Set(typeof start === 'string' ? [start] : start);
  const reachedBy = new Map<string, { parent: string; origin: string; step: ImpactStep; depth: number }>();
  const order: string[] = [];
  let frontier = [...starts].filter((id) => graph.has(id));
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const link of linksOf(graph, id, direction)) {
        if (starts.has(link.id) || reachedBy.has(link.id)) continue;
        const via = reachedBy.get(id);
        reachedBy.set(link.id, { parent: id, origin: via?.origin ?? id, step: link.step, depth: (via?.depth ?? 0) + 1 });
        order.push(link.id);
        next.push(link.id);
      }
    }
    frontier = next;
  }
  return {
    order,
    depth: (id) => reachedBy.get(id)!.depth,
    entry(id) {
      const path: ImpactStep[] = [];
      for (let at = reachedBy.get(id); at; at = reachedBy.get(at.parent)) path.unshift(at.step);
      return { id, kind: graph.get(id)!.kind, from: reachedBy.get(id)!.origin, path };
    },
  };
}

/** The records reached from `start`, counted by kind, the nearest `limit` listed with their paths. */
export function impactOf(graph: InventoryGraph, start: string | Iterable<string>, direction: ImpactDirection, options: ImpactOptions = {}): ImpactSide {
  const walk = walkImpact(graph, start, direction);
  const byKind: Partial<Record<Kind, number>> = {};
  for (const id of walk.order) {
    const kind = graph.get(id)!.kind;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  // Paths are built only for the listed entries: counting every record stays linear.
  const entries = walk.order.slice(0, options.limit ?? walk.order.length).map((id) => walk.entry(id));
  return { count: walk.order.length, byKind, entries };
}
