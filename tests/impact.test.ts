import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InventoryGraph } from '../src/graph/graph.ts';
import { impactOf, type ImpactEntry } from '../src/graph/impact.ts';
import type { RecordChange } from '../src/output/diff-report.ts';
import { recordImpact, type ImpactItem } from '../src/views/impact.ts';
import { MINIMAL, openWith } from './helpers/fixture.ts';

/**
 * The minimal fixture, whose answers are known by hand:
 *
 *   prod-old ← old-server ← old-k3s ← git, git-db, registry   (runs in / runs on)
 *   git — stores data in → git-db;  registry — depends on → git
 *   registry-v2 — served by → registry;  git-db-nightly — backs up → git-db
 *   registry-ready — concerns → registry, — takes evidence from → registry-v2
 *   backups-proven — concerns → git-db;  old-to-new — is gated by → both gates
 */
let graph: InventoryGraph;
beforeAll(async () => {
  ({ graph } = await openWith({}));
});

const ids = (entries: readonly ImpactEntry[]) => entries.map((e) => e.id).sort();
const chain = (entry: ImpactEntry) => entry.path.map((s) => `${s.phrase} ${s.id}`).join(' / ');

describe('impact, both ways', () => {
  it('finds everything downstream of a host: clusters, services, their endpoints, backup sets, gates and the gates\' wave', () => {
    const side = impactOf(graph, 'old-server', 'downstream');
    expect(ids(side.entries)).toEqual(['backups-proven', 'git', 'git-db', 'git-db-nightly', 'old-k3s', 'old-to-new', 'registry', 'registry-ready', 'registry-v2']);
    expect(side.count).toBe(9);
    expect(side.byKind).toEqual({ cluster: 1, service: 3, endpoint: 1, 'backup-set': 1, 'readiness-gate': 2, 'migration-wave': 1 });
    // Releases, runbooks, incidents and risks are about records; they do not break with them.
    expect(ids(side.entries)).not.toContain('git-1-22');
    expect(ids(side.entries)).not.toContain('restore-git');
    expect(ids(side.entries)).not.toContain('git-no-backup');
  });

  it('gives each record a shortest path from the start, said from the dependent', () => {
    const side = impactOf(graph, 'old-server', 'downstream');
    const byId = new Map(side.entries.map((e) => [e.id, e]));
    expect(chain(byId.get('old-k3s')!)).toBe('runs on old-k3s');
    expect(chain(byId.get('git-db-nightly')!)).toBe('runs on old-k3s / runs on git-db / backs up git-db-nightly');
    expect(chain(byId.get('registry-v2')!)).toBe('runs on old-k3s / runs on registry / served by registry-v2');
    // Two gates lead to the wave at the same depth; the first reached wins, and the path has one step per relation.
    expect(byId.get('old-to-new')!.path).toHaveLength(4);
    expect(byId.get('old-to-new')!.path.at(-1)).toEqual({ id: 'old-to-new', field: 'wave', phrase: 'is gated by' });
    expect(side.entries.every((e) => e.from === 'old-server')).toBe(true);
    // Nearest first.
    const depths = side.entries.map((e) => e.path.length);
    expect(depths).toEqual([...depths].sort((a, b) => a - b));
  });

  it('finds everything a wave needs upstream: its gates, what they concern and take evidence from, down to the host', () => {
    const side = impactOf(graph, 'old-to-new', 'upstream');
    expect(ids(side.entries)).toEqual(['backups-proven', 'git', 'git-db', 'old-k3s', 'old-server', 'prod-old', 'registry', 'registry-ready', 'registry-v2']);
    const byId = new Map(side.entries.map((e) => [e.id, e]));
    expect(chain(byId.get('registry-v2')!)).toBe('is gated by registry-ready / takes evidence from registry-v2');
    expect(chain(byId.get('git')!)).toBe('is gated by registry-ready / concerns registry / depends on git');
    // Nothing depends on the wave.
    expect(impactOf(graph, 'old-to-new', 'downstream')).toEqual({ count: 0, byKind: {}, entries: [] });
  });

  it('follows data stores both ways: a store is needed by what stores data in it, and backed up by its backup set', () => {
    expect(ids(impactOf(graph, 'git-db', 'downstream').entries)).toEqual(['backups-proven', 'git', 'git-db-nightly', 'old-to-new', 'registry', 'registry-ready', 'registry-v2']);
    expect(ids(impactOf(graph, 'git-db-nightly', 'upstream').entries)).toEqual(['git-db', 'old-k3s', 'old-server', 'prod-old']);
    expect(impactOf(graph, 'git-db-nightly', 'downstream').count).toBe(0);
  });

  it('caps the listed entries but counts them all', () => {
    const all = impactOf(graph, 'old-server', 'downstream');
    const capped = impactOf(graph, 'old-server', 'downstream', { limit: 2 });
    expect(capped.count).toBe(9);
    expect(capped.byKind).toEqual(all.byKind);
    expect(capped.entries).toEqual(all.entries.slice(0, 2));
    expect(impactOf(graph, 'old-server', 'downstream', { limit: 0 }).entries).toEqual([]);
  });

  it('starts from several records at once (a change), leaving them out and naming which one each path leaves from', () => {
    const side = impactOf(graph, ['git', 'registry-v2'], 'downstream');
    expect(ids(side.entries)).toEqual(['old-to-new', 'registry', 'registry-ready']);
    const byId = new Map(side.entries.map((e) => [e.id, e]));
    expect(byId.get('registry')!.from).toBe('git');
    expect(byId.get('registry-ready')!.from).toBe('registry-v2');
  });

  it('stops at records already reached, so a dependency cycle does not loop', async () => {
    const git = await readFile(path.join(MINIMAL, 'inventory/services/git.yaml'), 'utf8');
    const cyclic = await openWith({ 'inventory/services/git.yaml': `${git}dependsOn: [registry]\n` });
    expect(cyclic.diagnostics.map((d) => d.code)).toContain('dependency-cycle');
    const down = impactOf(cyclic.graph, 'git', 'downstream');
    expect(ids(down.entries)).toContain('registry');
    expect(ids(down.entries)).not.toContain('git');
    const up = impactOf(cyclic.graph, 'registry', 'upstream');
    expect(ids(up.entries)).toContain('git');
    expect(ids(up.entries)).not.toContain('registry');
    expect(new Set(ids(up.entries)).size).toBe(up.count);
  });

  it('walks each record\'s relations in the graph\'s order, by the id of the record holding them, its own among the rest', async () => {
    // Two gates concern the gate backups-proven, one sorting before it and one after; backups-proven itself is what gates its wave.
    const base = await readFile(path.join(MINIMAL, 'gates/backups-proven.yaml'), 'utf8');
    const concerning = (id: string) => base.replace('id: backups-proven', `id: ${id}`).replace('concerns: [git-db]', 'concerns: [backups-proven]');
    const opened = await openWith({ 'gates/a-gate.yaml': concerning('a-gate'), 'gates/zz-gate.yaml': concerning('zz-gate') });
    expect(opened.errors).toBe(0);
    expect(impactOf(opened.graph, 'backups-proven', 'downstream').entries.map((e) => e.id)).toEqual(['a-gate', 'old-to-new', 'zz-gate']);
    // Upstream of the wave, its gates come by id; each gate's own dependencies before those it reaches through others.
    expect(impactOf(opened.graph, 'old-to-new', 'upstream').entries.slice(0, 4).map((e) => e.id)).toEqual(['a-gate', 'backups-proven', 'registry-ready', 'zz-gate']);
  });

  it('lists a record page\'s chains with arrows from the dependent to what it needs', () => {
    const text = (item: ImpactItem) =>
      [item.start, ...item.links.flatMap((l) => [l.phrase, l.to])].map((n) => (typeof n === 'string' ? `— ${n} →` : n.role === 'self' ? 'this' : n.id)).join(' ');
    const { downstream, upstream } = recordImpact(graph, 'old-k3s', 3);
    expect(downstream.count).toBe(8);
    expect(downstream.items).toHaveLength(3);
    expect(downstream.more).toBe(5);
    const nightly = recordImpact(graph, 'old-k3s').downstream.items.find((i) => i.id === 'git-db-nightly')!;
    expect(text(nightly)).toBe('git-db-nightly — backs up → git-db — runs on → this');
    expect(upstream.summary).toBe('1 environment, 1 host');
    expect(upstream.items.map(text)).toEqual(['this — runs in → prod-old', 'this — runs on → old-server']);
  });
});

describe("a change's impact", () => {
  it('lists the nearest of everything it reaches, with their paths, as a full walk of both sides would', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { writeSyntheticInventory } = await import('../scripts/bench/synthetic.ts');
    const { changeImpact, MAX_IMPACT_RECORDS } = await import('../src/diff/impact.ts');
    const { open, REPO_ROOT } = await import('./helpers/fixture.ts');
    const dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-impact-'));
    await writeSyntheticInventory(dir, 1000, REPO_ROOT);
    const { graph: big } = await open(dir, Date.parse('2026-06-10T00:00:00Z'));
    const change = (id: string, status: RecordChange['status']) => ({ id, kind: big.get(id)!.kind, title: '', status, file: '', fields: [], relations: { gained: [], lost: [] } }) as RecordChange;
    const hosts = big.byKind('host').slice(0, 3).map((r) => change(r.id, 'changed'));
    // A removed service away from the changed hosts: its dependents, near it, come from the base's walk only.
    const fromHosts = new Set(impactOf(big, hosts.map((r) => r.id), 'downstream').entries.map((e) => e.id));
    const away = big.byKind('service').filter((s) => !fromHosts.has(s.id) && big.incoming(s.id).length > 0);
    // And one below a changed host: a record of the change is never listed as its impact.
    const below = [...fromHosts].find((id) => big.get(id)!.kind === 'service')!;
    const records = [...hosts, change(away[0]!.id, 'removed'), change(away[1]!.id, 'changed'), change(below, 'removed')];

    // The reference: every entry of both walks with its path, nearest first.
    const changed = new Set(records.map((r) => r.id));
    const reached = new Map<string, ImpactEntry>();
    const head = impactOf(big, records.filter((r) => r.status !== 'removed').map((r) => r.id), 'downstream').entries;
    const base = impactOf(big, records.filter((r) => r.status === 'removed').map((r) => r.id), 'downstream').entries;
    for (const entry of [...head, ...base]) if (!changed.has(entry.id) && !reached.has(entry.id)) reached.set(entry.id, entry);
    expect(reached.size).toBeGreaterThan(MAX_IMPACT_RECORDS);

    const impact = changeImpact(records, big, big);
    expect(impact.count).toBe(reached.size);
    expect(impact.records).toEqual([...reached.values()].sort((a, b) => a.path.length - b.path.length).slice(0, MAX_IMPACT_RECORDS));
    const byKind: Record<string, number> = {};
    for (const entry of reached.values()) byKind[entry.kind] = (byKind[entry.kind] ?? 0) + 1;
    expect(impact.byKind).toEqual(byKind);
  });
});
