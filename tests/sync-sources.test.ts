import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DevServerFaults } from '../src/interhub/dev/server.ts';
import { observedAtOf } from '../src/interhub/wire/metadata.ts';
import { EMITTED_EVENT_TYPES, EXTERNALLY_EMITTED_EVENT_TYPES } from '../src/model/events.ts';
import { readDiscoverReport } from '../src/sync/discover-report.ts';
import type { SyncRun } from '../src/sync/run-sync.ts';
import { cli } from './helpers/cli.ts';
import { fixture, MINIMAL, open, REPO_ROOT } from './helpers/fixture.ts';
import { expectExactlyOnce, hubsPerTest, readManifest, sync, syncEnv, type TestHub } from './helpers/interhub.ts';

/** Issue 15, parts 2 and 3: every declared event type has a source, and the service catalogue is one widget per hub. */

const K8S = path.resolve(import.meta.dirname, 'fixtures/k8s');
const SNAPSHOTS = ['workloads.json', 'cert-manager.json', 'cnpg.json'].flatMap((f) => ['--snapshot', path.join(K8S, f)]);
const NOW_ISO = '2026-07-01T00:00:00Z';

const startHub = hubsPerTest();

/**
 * The minimal inventory with a fact behind every event type: a failing probe
 * observation (the registry gate fails), a restore test (the backup gate
 * passes), a runbook execution, an accepted risk.
 */
async function everySource(): Promise<string> {
  const read = (file: string) => readFile(path.join(MINIMAL, file), 'utf8');
  return fixture({
    'inventory/endpoints/registry-v2.yaml': `${await read('inventory/endpoints/registry-v2.yaml')}  - result: fail
    observedAt: 2026-06-28T08:00:00Z
    maxAge: P7D
    summary: GET answered 404
    source: { probe: probe, url: https://registry.example.test/v2/ }
    observed:
      status: 404
`,
    'inventory/backup-sets/git-db-nightly.yaml': `${await read('inventory/backup-sets/git-db-nightly.yaml')}lastRestoreTest:\n  result: pass\n  observedAt: 2026-06-30T09:00:00Z\n  summary: restored into a scratch namespace\n  source: { workplan: EX-WP-0002 }\n`,
    'inventory/runbooks/restore-git.md': (await read('inventory/runbooks/restore-git.md')).replace(
      'services: [git, git-db]\n',
      'services: [git, git-db]\nexecutions:\n  - result: pass\n    observedAt: 2026-06-25T10:00:00Z\n    summary: rehearsed on a copy\n    source: { workplan: EX-WP-0003 }\n',
    ),
    'inventory/risks/git-restore-slow.yaml': (await read('inventory/risks/git-no-backup.yaml')).replace('id: git-no-backup', 'id: git-restore-slow').replace('status: raised', 'status: accepted'),
    'gates/backups-proven.yaml': `${await read('gates/backups-proven.yaml')}evidence:\n  - requirement: restore-tested\n    result: pass\n    observedAt: 2026-06-30T09:00:00Z\n    summary: restore test of the git database\n    source: { workplan: EX-WP-0002 }\n`,
  });
}

/** `npm run discover` on the fixture's cluster snapshots, as CI runs it: its JSON report, as the sync reads it. */
async function discoverReport(dir: string) {
  const file = path.join(dir, '.scratch', 'discover.json');
  const run = await cli('discover.ts', ['--root', dir, '--cluster', 'old-k3s', '--now', NOW_ISO, ...SNAPSHOTS, '--report', file]);
  expect(run.code, run.stderr).toBe(1);
  return { report: await readDiscoverReport(file), file };
}

function postedTypes(hub: TestHub): Map<string, string[]> {
  const state = hub.server.snapshot();
  const nameOf = new Map(state.widgets.map((w) => [w.id, w.name]));
  const byType = new Map<string, string[]>();
  for (const e of state.events) byType.set(e.eventType, [...(byType.get(e.eventType) ?? []), `${nameOf.get(e.widgetId)} at ${observedAtOf(e)}`]);
  return byType;
}

const ALL_FAULTS: Partial<DevServerFaults> = { rateLimitEvery: 7, retryAfterS: 0, failEvery: 5, dropAfterCommitEvery: 4, tokenUses: 25, shiftPagesBy: 3 };

describe('every declared event type has a source', { timeout: 120_000 }, () => {
  it('lists each type the manifest declares as emitted by ops-hub or, documented, by another system', async () => {
    const declared = (await readManifest(REPO_ROOT)).declaredEventTypes;
    const contract = await readFile(path.join(REPO_ROOT, 'docs/interhub-contract.md'), 'utf8');
    const emitted: readonly string[] = EMITTED_EVENT_TYPES;
    const sourceless = declared.filter((type) => {
      if (emitted.includes(type)) return false;
      const system = EXTERNALLY_EMITTED_EVENT_TYPES[type];
      return !system || !contract.includes(`\`${type}\` is emitted by ${system}`);
    });
    expect(sourceless).toEqual([]);
    // And nothing ops-hub emits goes undeclared.
    expect(emitted.filter((t) => !declared.includes(t))).toEqual([]);
  });

  it('a full apply under every fault posts the widgets, the catalogue, every event type and the annotations once; a second apply writes nothing', async () => {
    const dir = await everySource();
    const opened = await open(dir);
    expect(opened.errors, JSON.stringify(opened.diagnostics.filter((d) => d.severity === 'error'))).toBe(0);
    const { graph } = opened;
    const discover = await discoverReport(dir);
    const hub = await startHub(dir, { faults: ALL_FAULTS });

    const log: string[] = [];
    const first: SyncRun = await sync(graph, hub, 'apply', (l) => log.push(l), { discover, siteUrl: 'https://ops.example/ops-hub/' });
    expect(first.outcome.complete, JSON.stringify([...first.report.widgets, ...first.report.events, ...first.report.annotations].filter((i) => i.error))).toBe(true);
    // The faults struck: retries, a re-exchanged token, lost answers found instead of re-sent.
    expect(first.report.requests.retries).toBeGreaterThan(0);
    expect(first.report.requests.recovered).toBeGreaterThan(0);
    expect(log.some((l) => l.includes('401, exchanging the key'))).toBe(true);

    const byType = postedTypes(hub);
    for (const type of EMITTED_EVENT_TYPES) expect(byType.get(type)?.length ?? 0, type).toBeGreaterThan(0);
    expect(byType.get('ops-health-checked')).toEqual(['ops-endpoint-registry-v2 at 2026-06-28T08:00:00.000Z']);
    expect(byType.get('ops-release-observed')!.sort()).toEqual(['ops-release-git-1-22 at 2026-06-01T00:00:00.000Z', 'ops-service-git at 2026-06-01T00:00:00.000Z']);
    const discovered = byType.get('ops-service-discovered')!;
    expect(discovered).toHaveLength(discover.report.findings.filter((f) => f.code === 'workload-discovered').length);
    expect(discovered.every((d) => d === `ops-service-catalog at 2026-07-01T00:00:00.000Z`)).toBe(true);
    const drifts = discover.report.findings.filter((f) => f.code !== 'workload-discovered');
    expect(byType.get('ops-drift-detected')).toHaveLength(drifts.length);

    const annotations = hub.server.snapshot().annotations.map((a) => `${a.category}: ${a.body}`);
    expect(annotations).toEqual(
      expect.arrayContaining([
        'ops-backup-gap: Risk: Git repositories have no backup — severity high, status raised — https://ops.example/ops-hub/risks/git-no-backup/',
        'ops-backup-gap: Backup gap: Git hosting — no backup set covers it; recorded as risk git-no-backup, git-restore-slow — https://ops.example/ops-hub/services/git/',
        expect.stringMatching(/^ops-readiness-blocker: Readiness blocker: gate Registry reproducible is failed — requirement v2-answers .*its latest evidence failed: GET answered 404 \(observed 2026-06-28T08:00:00Z on registry-v2\)/),
      ]),
    );
    expectExactlyOnce(
      hub,
      first.plan.widgets.map((w) => w.name),
      first.plan.events.map((e) => e.event.idempotencyKey),
      first.plan.annotations.map((a) => a.idempotencyKey),
    );

    const second = await sync(graph, hub, 'apply', undefined, { discover, siteUrl: 'https://ops.example/ops-hub/' });
    expect(second.report.requests.writes).toBe(0);
    expect(second.outcome.complete).toBe(true);
    expect(second.report.counts.annotations).toMatchObject({ 'plan:present': first.plan.annotations.length });
  });

  it('seeds exactly one service catalogue per hub: in the widget seed and in the mapping as service-catalog', async () => {
    const seed = JSON.parse(await readFile(path.join(REPO_ROOT, 'seeds/ops-hub-widgets.seed.json'), 'utf8')) as { widgets: Array<{ name: string; widgetType: string }> };
    expect(seed.widgets.filter((w) => w.widgetType === 'ops-service-catalog')).toEqual([
      { name: 'ops-service-catalog', widgetType: 'ops-service-catalog', policyScope: 'ops-production', viewContext: 'inventory/services', status: 'active' },
    ]);
    const { graph } = await open(MINIMAL);
    const hub = await startHub(MINIMAL);
    const first = await sync(graph, hub, 'apply');
    const catalogues = hub.server.snapshot().widgets.filter((w) => w.widgetType === 'ops-service-catalog');
    expect(catalogues.map((w) => w.name)).toEqual(['ops-service-catalog']);
    expect(first.mapping['service-catalog']).toBe(catalogues[0]!.id);
    expect(first.mapping['ops-service-catalog']).toBe(catalogues[0]!.id);
    // Reused, like every other widget.
    const again = await sync(graph, hub, 'apply');
    expect(again.outcome.widgets.find((w) => w.name === 'ops-service-catalog')).toMatchObject({ action: 'unchanged', widgetId: catalogues[0]!.id });
  });

  it('a record whose widget name would be the catalogue\'s is refused, naming it', async () => {
    const git = await readFile(path.join(MINIMAL, 'inventory/services/git.yaml'), 'utf8');
    const dir = await fixture({ 'inventory/services/catalog.yaml': git.replace('id: git', 'id: catalog').replace('datastores: [git-db]\n', '') });
    const { graph, errors } = await open(dir);
    expect(errors).toBe(0);
    const hub = await startHub(dir);
    await expect(sync(graph, hub, 'plan')).rejects.toThrow('record catalog and the ops-service-catalog widget both give the widget name "ops-service-catalog"');
  });

  it('refuses a discover report it cannot use with exit 2, naming the file and what is wrong, before reading Inter-Hub', async () => {
    const dir = await fixture({ '.scratch/not-a-report.json': '{"version": 1, "cluster": "old-k3s", "findings": []}', '.scratch/broken.json': '{ "version": 1,' });
    const env = syncEnv({ IHUB_BASE: 'http://127.0.0.1:9', IHUB_CLIENT_ID: 'x', OPS_HUB_KEY: 'y' });
    const missing = await cli('sync.ts', ['--plan', '--root', dir, '--discover-report', path.join(dir, 'none.json')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('none.json: cannot be read (ENOENT)');
    const shape = await cli('sync.ts', ['--plan', '--root', dir, '--discover-report', path.join(dir, '.scratch/not-a-report.json')], { env });
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/not-a-report\.json: observedAt — .*; pass the JSON report of npm run discover/);
    const broken = await cli('sync.ts', ['--plan', '--root', dir, '--discover-report', path.join(dir, '.scratch/broken.json')], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('broken.json: not JSON');
  });
});
