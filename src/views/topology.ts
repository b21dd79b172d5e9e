import type { InventoryGraph } from '../graph/graph.ts';
import type { Kind } from '../model/kinds.ts';
import type { AnyRecord } from '../load/model-inventory.ts';
import { RETIRED_STATUSES } from '../model/schemas.ts';

/**
 * The estate as a diagram model (environment → hosts → clusters → services →
 * endpoints, data stores → backup sets), and its mermaid text. Pure: the site
 * renders it, the PR diff prints it.
 */
export type NodeMark = 'added' | 'removed' | 'changed';

export interface TopologyNode {
  id: string;
  kind: Kind;
  label: string;
  /** Short, plain-text markers: gate status and open risks. */
  markers: string[];
  mark?: NodeMark;
}

export interface TopologyEdge {
  from: string;
  to: string;
  /** The relation field it comes from (`environment`, `hosts`, `datastores`…). */
  field: string;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  /** Nodes left out to keep the diagram readable, by kind. */
  omitted: Partial<Record<Kind, number>>;
}

/** Kinds drawn in topology diagrams, in layout order. */
export const TOPOLOGY_KINDS: readonly Kind[] = ['environment', 'host', 'cluster', 'service', 'endpoint', 'backup-set'];

/** Above this many nodes a diagram stops being readable; the rest is counted. */
export const MAX_DIAGRAM_NODES = 120;

const GATE_MARK = { passed: '✔ gate passed', failed: '✖ gate failed', stale: '◔ gate stale', pending: '… gate pending' } as const;

export interface TopologyOptions {
  /** Only this environment's part of the estate. */
  environment?: string;
  /** Only these records (and edges among them), e.g. a PR's changed neighbourhood. */
  only?: ReadonlySet<string>;
  marks?: ReadonlyMap<string, NodeMark>;
  maxNodes?: number;
}

export function topologyOf(graph: InventoryGraph, options: TopologyOptions = {}): Topology {
  const max = options.maxNodes ?? MAX_DIAGRAM_NODES;
  const candidates = TOPOLOGY_KINDS.flatMap((kind) => graph.byKind(kind) as AnyRecord[]).filter(
    (r) => !RETIRED_STATUSES.has(r.data.status) || options.marks?.has(r.id),
  );
  const inScope = candidates.filter(
    (r) =>
      (options.environment === undefined || environmentOf(graph, r) === options.environment) &&
      (options.only === undefined || options.only.has(r.id)),
  );
  // Higher layers first, so a capped diagram still shows the structure.
  const kept = inScope.slice(0, max);
  const omitted: Partial<Record<Kind, number>> = {};
  for (const r of inScope.slice(max)) omitted[r.kind] = (omitted[r.kind] ?? 0) + 1;
  const ids = new Set(kept.map((r) => r.id));

  const nodes = kept.map((r): TopologyNode => {
    const mark = options.marks?.get(r.id);
    return { id: r.id, kind: r.kind, label: r.data.title, markers: markersOf(graph, r), ...(mark ? { mark } : {}) };
  });
  const edges: TopologyEdge[] = [];
  for (const r of kept) {
    for (const rel of graph.outgoing(r.id)) {
      if (!ids.has(rel.to)) continue;
      // Drawn parent → child: host → its environment becomes environment → host.
      const downward = ['environment', 'hosts', 'cluster', 'host', 'service'].includes(rel.field);
      if (downward) edges.push({ from: rel.to, to: r.id, field: rel.field });
      else if (rel.field === 'datastores' || rel.field === 'dependsOn') edges.push({ from: r.id, to: rel.to, field: rel.field });
    }
  }
  return { nodes, edges: dedupeEdges(withoutShortcuts(edges, graph)), omitted };
}

/** A service on a cluster hangs under the cluster, not also directly under the environment. */
function withoutShortcuts(edges: TopologyEdge[], graph: InventoryGraph): TopologyEdge[] {
  return edges.filter((e) => {
    if (e.field !== 'environment') return true;
    const child = graph.get(e.to);
    if (child?.kind === 'service') return child.data.cluster === undefined && child.data.host === undefined;
    if (child?.kind === 'cluster') return child.data.hosts.every((h) => graph.get(h) === undefined);
    return true;
  });
}

function dedupeEdges(edges: TopologyEdge[]): TopologyEdge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = `${e.from}\u0000${e.to}\u0000${e.field}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The environment a record lives in, following its relations upwards. */
export function environmentOf(graph: InventoryGraph, record: AnyRecord): string | undefined {
  switch (record.kind) {
    case 'environment':
      return record.id;
    case 'host':
    case 'cluster':
    case 'service':
      return record.data.environment;
    case 'endpoint':
    case 'backup-set':
    case 'release': {
      const service = graph.get(record.data.service);
      return service?.kind === 'service' ? service.data.environment : undefined;
    }
    default:
      return undefined;
  }
}

function markersOf(graph: InventoryGraph, record: AnyRecord): string[] {
  const markers: string[] = [];
  for (const gate of graph.referrers(record.id, 'readiness-gate')) {
    const status = graph.gateStatus(gate.id);
    if (status) markers.push(GATE_MARK[status.effective]);
  }
  const risks = graph.referrers(record.id, 'risk').filter((r) => r.data.status === 'raised').length;
  if (risks > 0) markers.push(`⚠ ${risks} open risk${risks === 1 ? '' : 's'}`);
  return [...new Set(markers)];
}

const SHAPE: Record<string, [string, string]> = {
  environment: ['[[', ']]'],
  host: ['[', ']'],
  cluster: ['{{', '}}'],
  service: ['(', ')'],
  datastore: ['[(', ')]'],
  endpoint: ['>', ']'],
  'backup-set': ['[/', '/]'],
};

/**
 * Mermaid node ids are positional (`n0`, `n1`…), and labels are quoted, so
 * brackets, braces and pipes in record text are plain text there. Mermaid
 * lays a quoted label out as HTML: what could end the quotes or become markup
 * is written as a named HTML entity. Not as mermaid's `#40;` codes, which
 * mermaid 12 leaves on the page as `ﬂ°°40¶ß`, and `#` itself is escaped so that
 * record text such as `issue#12;` is not read as one.
 */
export function mermaidLabel(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/#/g, '&num;')
    .replace(/`/g, '&grave;')
    .trim();
}

export interface MermaidOptions {
  /** Link target of a node's record page; no links when absent. */
  href?: (id: string) => string;
  direction?: 'LR' | 'TD';
}

export function topologyMermaid(topology: Topology, graph: InventoryGraph, options: MermaidOptions = {}): string {
  const key = new Map(topology.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  for (const node of topology.nodes) {
    const record = graph.get(node.id);
    const isStore = record?.kind === 'service' && record.data.persistent === true;
    const [open, close] = SHAPE[isStore ? 'datastore' : node.kind]!;
    const text = [`${node.kind}: ${node.label}`, ...(node.mark ? [`(${node.mark})`] : []), ...node.markers].map(mermaidLabel).join('<br/>');
    lines.push(`  ${key.get(node.id)}${open}"${text}"${close}`);
  }
  for (const edge of topology.edges) {
    const arrow = edge.field === 'dependsOn' ? '-.->|depends on|' : edge.field === 'datastores' ? '==>|stores data in|' : '-->';
    lines.push(`  ${key.get(edge.from)} ${arrow} ${key.get(edge.to)}`);
  }
  for (const [kind, count] of Object.entries(topology.omitted)) {
    lines.push(`  more_${kind.replace(/-/g, '_')}["${mermaidLabel(`+${count} more ${kind} records`)}"]`);
  }
  lines.push(
    '  classDef added fill:#dff5e3,stroke:#1a7f37,stroke-width:3px',
    '  classDef removed fill:#ffe2e0,stroke:#cf222e,stroke-width:3px,stroke-dasharray:5 3',
    '  classDef changed fill:#fff4d6,stroke:#9a6700,stroke-width:3px',
  );
  for (const mark of ['added', 'removed', 'changed'] as const) {
    const ids = topology.nodes.filter((n) => n.mark === mark).map((n) => key.get(n.id));
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${mark}`);
  }
  if (options.href) {
    for (const node of topology.nodes) lines.push(`  click ${key.get(node.id)} href "${encodeURI(options.href(node.id))}"`);
  }
  return `${lines.join('\n')}\n`;
}
