import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InterHubDevServer, type DevServerFaults } from '../src/interhub/dev/server.ts';
import { observedAtOf } from '../src/interhub/wire/metadata.ts';
import { PAGE_SIZE } from '../src/interhub/wire/lists.ts';
import { desiredEvents } from '../src/sync/desired-events.ts';
import { runSync } from '../src/sync/run-sync.ts';
import { fixture, MINIMAL, NOW, open, REPO_ROOT } from './helpers/fixture.ts';
import { expectExactlyOnce, holdings, startHub, sync, type TestHub } from './helpers/interhub.ts';

/** Early June 2026: the Gitea registry evidence of 2026-05-16 (max age 30 days) still counts. */
const REPO_NOW = Date.parse('2026-06-01T00:00:00Z');

let hubs: TestHub[] = [];
async function hubFor(root: string, faults: Partial<DevServerFaults> = {}, edit?: Parameters<typeof startHub>[2]): Promise<TestHub> {
  const hub = await startHub(root, { faults }, edit);
  hubs.push(hub);
  return hub;
}
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.server.close()));
  hubs = [];
});

describe('sync against the Inter-Hub dev server on 127.0.0.1', () => {
  it('plans without writing, applies everything, and a re-run writes nothing in page-bounded reads', async () => {
    const { graph } = await open(REPO_ROOT, REPO_NOW);
    const hub = await hubFor(REPO_ROOT);

    const plan = await sync(graph, hub, 'plan');
    expect(plan.report.requests.writes).toBe(0);
    expect(holdings(hub).widgets.size).toBe(0);
    // One widget per record, and the hub's one service catalogue.
    expect(plan.plan.widgets.filter((w) => w.action === 'create')).toHaveLength(graph.size + 1);

    const first = await sync(graph, hub, 'apply');
    expect(first.outcome.complete).toBe(true);
    const names = first.plan.widgets.map((w) => w.name);
    expect(first.plan.widgets.filter((w) => !w.recordId).map((w) => w.name)).toEqual(['ops-service-catalog']);
    const keys = first.plan.events.map((e) => e.event.idempotencyKey);
    expect(names).toContain('ops-env-local');
    expect(names).toContain('ops-service-gitea');
    expect(names).toContain('ops-readiness-gitea-registry');
    expect(names).toContain('ops-migration-coulombcore-to-threephoenix');
    expectExactlyOnce(hub, names, keys);

    const again = await sync(graph, hub, 'apply');
    expect(again.report.requests.writes).toBe(0);
    expect(again.outcome.events.every((e) => e.status === 'present' || e.status === 'skipped')).toBe(true);
    const lists = Object.values(again.report.requests.lists).reduce((a, b) => a + b, 0);
    const registryAndHubLists = 4 + 1;
    const annotationPages = Math.max(1, Math.ceil(first.plan.annotations.length / PAGE_SIZE));
    expect(lists).toBeLessThanOrEqual(Math.ceil((graph.size + 1) / PAGE_SIZE) + Math.ceil(keys.length / PAGE_SIZE) + annotationPages + registryAndHubLists);
    expect(again.report.requests.tokenExchanges).toBe(1);
    expectExactlyOnce(hub, names, keys);

    expect(Object.keys(again.mapping)).toContain('gitea-registry-v2');
    expect(again.mapping['gitea-registry-v2']).toBe(again.mapping['ops-endpoint-gitea-registry-v2']);
  });

  it('sends the first real ops signal of HF-WP-0001 T07 out of the inventory', async () => {
    const { graph } = await open(REPO_ROOT, REPO_NOW);
    const hub = await hubFor(REPO_ROOT);
    await sync(graph, hub, 'apply');
    const state = hub.server.snapshot();
    const widgetByName = new Map(state.widgets.map((w) => [w.name, w]));
    for (const target of ['ops-endpoint-gitea-registry-v2', 'ops-readiness-gitea-registry']) {
      const widget = widgetByName.get(target)!;
      const verified = state.events.filter((e) => e.widgetId === widget.id && e.eventType === 'ops-endpoint-verified');
      expect(verified).toHaveLength(1);
      expect(verified[0]!.viewContextRef).toBe('railiance-apps/workplans/RAIL-AP-WP-0001');
      expect(verified[0]!.metadata).toMatchObject({
        endpoint: 'https://gitea.coulomb.social/v2/',
        expectedStatus: 401,
        observedHeader: 'Docker-Distribution-Api-Version: registry/2.0',
        recordId: 'gitea-registry-v2',
        sourcePath: 'inventory/endpoints/gitea-registry-v2.yaml',
        commitSha: '0123456789abcdef0123456789abcdef01234567',
        attributes: { observed_at: '2026-05-16T00:00:00.000Z' },
      });
    }
    const gate = widgetByName.get('ops-readiness-gitea-registry')!;
    expect(gate).toMatchObject({ widgetType: 'ops-readiness-gate', policyScope: 'ops-registry', viewContext: 'gates/gitea-registry.yaml', status: 'active' });
    const passed = state.events.filter((e) => e.widgetId === gate.id && e.eventType === 'ops-migration-gate-passed');
    expect(passed).toHaveLength(1);
  });

  const faults: Array<[string, Partial<DevServerFaults>]> = [
    ['429s with Retry-After', { rateLimitEvery: 3, retryAfterS: 0 }],
    ['500s', { failEvery: 4 }],
    ['connections dropped after the write committed', { dropAfterCommitEvery: 3 }],
    ['tokens expiring mid-run', { tokenUses: 25 }],
    ['pages shifting while walked', { shiftPagesBy: 7 }],
  ];
  for (const [name, fault] of faults) {
    it(`ends with one widget per record and one event per key under ${name}`, async () => {
      const { graph } = await open(REPO_ROOT, REPO_NOW);
      const hub = await hubFor(REPO_ROOT, fault);
      const log: string[] = [];
      const first = await sync(graph, hub, 'apply', (l) => log.push(l));
      expect(first.outcome.complete).toBe(true);
      // Under shifting pages the walks must still see everything: the second run writes nothing.
      const second = await sync(graph, hub, 'apply');
      expect(second.report.requests.writes).toBe(0);
      expect(second.outcome.widgets.every((w) => w.status === 'unchanged')).toBe(true);
      expectExactlyOnce(
        hub,
        first.plan.widgets.map((w) => w.name),
        first.plan.events.map((e) => e.event.idempotencyKey),
      );
      if (fault.dropAfterCommitEvery) expect(first.outcome.widgets.some((w) => w.recovered) || first.outcome.events.some((e) => e.recovered)).toBe(true);
      if (fault.tokenUses) expect(log.some((l) => l.includes('401, exchanging the key'))).toBe(true);
      if (fault.rateLimitEvery) expect(log.some((l) => l.includes('429'))).toBe(true);
      // Retries, re-exchanges and recoveries log and report more than a clean run: none of it may carry a secret.
      const issued = hub.server.issuedTokens();
      expect(issued.length).toBeGreaterThan(0);
      const said = [...log, JSON.stringify(first.report), JSON.stringify(first.mapping), JSON.stringify(second.report)].join('\n');
      for (const secret of [hub.key, ...issued]) expect(said).not.toContain(secret);
    });
  }

  it('waits out Retry-After before sending again', async () => {
    const { graph } = await open(MINIMAL);
    // Only the 6th request is refused, with Retry-After: 1 s; a lower bound on the run, not a speed target.
    const hub = await hubFor(MINIMAL, { rateLimitEvery: 6, retryAfterS: 1 });
    const log: string[] = [];
    const started = performance.now();
    const run = await sync(graph, hub, 'plan', (l) => log.push(l));
    expect(run.outcome.complete).toBe(true);
    expect(log.some((l) => l.includes('429'))).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('emits every event type from the records that carry its facts, observed when the evidence was', async () => {
    const read = (file: string) => readFile(path.join(MINIMAL, file), 'utf8');
    const dir = await fixture({
      'inventory/backup-sets/git-db-nightly.yaml': `${await read('inventory/backup-sets/git-db-nightly.yaml')}lastRestoreTest:\n  result: pass\n  observedAt: 2026-06-30T09:00:00Z\n  summary: restored into a scratch namespace\n  source: { workplan: EX-WP-0002 }\n`,
      'inventory/runbooks/restore-git.md': (await read('inventory/runbooks/restore-git.md')).replace(
        'services: [git, git-db]\n',
        'services: [git, git-db]\nexecutions:\n  - result: pass\n    observedAt: 2026-06-25T10:00:00Z\n    summary: rehearsed on a copy\n    source: { workplan: EX-WP-0003 }\n',
      ),
      'inventory/risks/git-restore-slow.yaml': (await read('inventory/risks/git-no-backup.yaml')).replace('id: git-no-backup', 'id: git-restore-slow').replace('status: raised', 'status: accepted'),
      'inventory/hosts/spare-box.yaml': 'id: spare-box\ntitle: Spare box\nowner: railiance-infra\npolicyScope: ops-transitional-prod\nstatus: retired\nenvironment: prod-old\n',
      'gates/backups-proven.yaml': `${await read('gates/backups-proven.yaml')}evidence:\n  - requirement: restore-tested\n    result: pass\n    observedAt: 2026-06-30T09:00:00Z\n    summary: restore test of the git database\n    source: { workplan: EX-WP-0002 }\n`,
      'inventory/endpoints/registry-v2.yaml': `${await read('inventory/endpoints/registry-v2.yaml')}  - result: fail\n    observedAt: 2026-06-28T08:00:00Z\n    summary: answered 404\n    source: { workplan: EX-WP-0002 }\n`,
    });
    const { graph, errors, diagnostics } = await open(dir);
    expect(errors, JSON.stringify(diagnostics)).toBe(0);
    const hub = await hubFor(dir);
    expect((await sync(graph, hub, 'apply')).outcome.complete).toBe(true);

    const state = hub.server.snapshot();
    const widgets = state.widgets.filter((w) => w.hubId === hub.seeded.hubId);
    const nameOf = new Map(widgets.map((w) => [w.id, w.name]));
    const seen = state.events.map((e) => `${e.eventType} on ${nameOf.get(e.widgetId)} at ${observedAtOf(e)}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'ops-endpoint-verified on ops-endpoint-registry-v2 at 2026-06-20T08:00:00.000Z',
        'ops-backup-verified on ops-backup-set-git-db-nightly at 2026-06-29T00:00:00.000Z',
        'ops-restore-tested on ops-backup-set-git-db-nightly at 2026-06-30T09:00:00.000Z',
        'ops-runbook-executed on ops-runbook-restore-git at 2026-06-25T10:00:00.000Z',
        'ops-risk-raised on ops-risk-git-no-backup at 2026-06-01T00:00:00.000Z',
        'ops-migration-gate-passed on ops-readiness-backups-proven at 2026-06-30T09:00:00.000Z',
        'ops-migration-gate-failed on ops-readiness-registry-ready at 2026-06-28T08:00:00.000Z',
      ]),
    );
    expect(seen.filter((e) => e.startsWith('ops-risk-accepted on ops-risk-git-restore-slow at '))).toHaveLength(1);
    expect(seen.filter((e) => e.startsWith('ops-risk-accepted'))).toHaveLength(1);
    expect(seen.filter((e) => e.startsWith('ops-inventory-registered')).length).toBe(widgets.length);
    expect(widgets.length).toBe(graph.size + 1);
    // Retired records stay visible in Inter-Hub, as deprecated.
    expect(widgets.filter((w) => w.status === 'deprecated').map((w) => w.name)).toEqual(['ops-host-spare-box']);
  });

  it('reports an unfinished run exactly, and the next run completes it without duplicates', async () => {
    const { graph } = await open(REPO_ROOT, REPO_NOW);
    // Every 13th request is refused once the reads (fewer than 13) are done: some writes fail.
    const hub = await hubFor(REPO_ROOT, { rateLimitEvery: 13, retryAfterS: 0 });
    const broken = await runWithoutRetries(graph, hub);
    expect(broken.outcome.complete).toBe(false);
    const failed = [...broken.outcome.widgets, ...broken.outcome.events].filter((o) => o.status === 'failed' || o.status === 'not-attempted');
    expect(failed.length).toBeGreaterThan(0);
    expect(broken.report.counts.widgets['created']).toBe(holdings(hub).widgets.size);

    hub.server.faults.rateLimitEvery = 0;
    const rest = await sync(graph, hub, 'apply');
    expect(rest.outcome.complete).toBe(true);
    expectExactlyOnce(
      hub,
      rest.plan.widgets.map((w) => w.name),
      rest.plan.events.map((e) => e.event.idempotencyKey),
    );
  });

  it('skips widgets of a type Inter-Hub has not registered, with their events, and says why', async () => {
    const { graph } = await open(MINIMAL, NOW);
    const hub = await hubFor(MINIMAL, {}, (m) => ({ ...m, declaredWidgetTypes: m.declaredWidgetTypes.filter((t) => t !== 'ops-backup-set') }));
    const run = await sync(graph, hub, 'apply');
    const skipped = run.outcome.widgets.filter((w) => w.action === 'skip');
    expect(skipped.map((w) => [w.name, w.status])).toEqual([['ops-backup-set-git-db-nightly', 'skipped']]);
    expect(skipped[0]!.reason).toContain('widget type "ops-backup-set" is not in Inter-Hub\'s widget-type registry');
    const itsEvents = run.outcome.events.filter((e) => e.event.widgetName === 'ops-backup-set-git-db-nightly');
    expect(itsEvents.length).toBeGreaterThan(0);
    expect(itsEvents.every((e) => e.status === 'skipped')).toBe(true);
    expect(hub.server.snapshot().widgets.some((w) => w.name === 'ops-backup-set-git-db-nightly')).toBe(false);
    expect(run.outcome.complete).toBe(true);
  });

  it('finds the hub by id as well as by slug', async () => {
    const { graph } = await open(MINIMAL, NOW);
    const hub = await hubFor(MINIMAL);
    const byId = await runSync(graph, {
      mode: 'apply',
      base: hub.server.url,
      hub: hub.seeded.hubId,
      credentials: { clientId: hub.seeded.consumerId, clientSecret: hub.key },
    });
    expect(byId.report.hub).toEqual({ id: hub.seeded.hubId, slug: hub.manifest.hub.slug });
    const bySlug = await sync(graph, hub, 'apply');
    expect(bySlug.report.hub.id).toBe(hub.seeded.hubId);
    expect(bySlug.report.requests.writes).toBe(0);
  });

  it('skips event types Inter-Hub has not registered, and says why', async () => {
    const { graph } = await open(MINIMAL, NOW);
    const hub = await hubFor(MINIMAL, {}, (m) => ({ ...m, declaredEventTypes: m.declaredEventTypes.filter((t) => t !== 'ops-risk-raised') }));
    const run = await sync(graph, hub, 'apply');
    const skipped = run.outcome.events.filter((e) => e.event.eventType === 'ops-risk-raised');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ action: 'skip', status: 'skipped' });
    expect(skipped[0]!.reason).toContain('"ops-risk-raised" is not in Inter-Hub\'s event-type registry');
    expect(hub.server.snapshot().events.some((e) => e.eventType === 'ops-risk-raised')).toBe(false);
    expect(run.outcome.complete).toBe(true);
  });

  it('reports drift and orphans once, never deleting, and announces gate transitions', async () => {
    const dir = await fixture();
    const hub = await hubFor(dir);
    await sync((await open(dir)).graph, hub, 'apply');

    const gitPath = path.join(dir, 'inventory/services/git.yaml');
    await writeFile(gitPath, (await readFile(gitPath, 'utf8')).replace(/policyScope: .*/, 'policyScope: ops-production'));
    const endpoint = path.join(dir, 'inventory/endpoints/registry-v2.yaml');
    await writeFile(
      endpoint,
      `${await readFile(endpoint, 'utf8')}  - result: fail\n    observedAt: 2026-06-25T08:00:00Z\n    summary: answered 404\n    source: { workplan: EX-WP-0002 }\n`,
    );
    await rm(path.join(dir, 'inventory/releases/git-1-22.yaml'));
    const changed = await open(dir);
    expect(changed.errors).toBe(0);
    expect(changed.graph.gateStatus('registry-ready')?.effective).toBe('failed');

    const run = await sync(changed.graph, hub, 'apply');
    const drift = run.outcome.widgets.find((w) => w.name === 'ops-service-git')!;
    expect(drift).toMatchObject({ action: 'drift', status: 'reported' });
    expect(drift.differences).toEqual([{ field: 'policyScope', inventory: 'ops-production', interhub: 'ops-transitional-prod' }]);
    const orphan = run.outcome.widgets.find((w) => w.name === 'ops-release-git-1-22')!;
    expect(orphan).toMatchObject({ action: 'orphan', status: 'reported' });
    const posted = run.outcome.events.filter((e) => e.status === 'posted').map((e) => `${e.event.eventType} ${e.event.widgetName}`);
    expect(posted.sort()).toEqual(['ops-drift-detected ops-release-git-1-22', 'ops-drift-detected ops-service-git', 'ops-migration-gate-failed ops-readiness-registry-ready']);
    expect(hub.server.snapshot().widgets.filter((w) => w.name === 'ops-release-git-1-22')).toHaveLength(1);

    const again = await sync(changed.graph, hub, 'apply');
    expect(again.report.requests.writes).toBe(0);
  });

  it('announces a gate status only when it changes', async () => {
    const dir = await fixture();
    const hub = await hubFor(dir);
    const passedAt = await open(dir);
    expect(passedAt.graph.gateStatus('registry-ready')?.effective).toBe('passed');
    await sync(passedAt.graph, hub, 'apply');
    // Later, fresher passing evidence: still passed, so no second announcement.
    const endpoint = path.join(dir, 'inventory/endpoints/registry-v2.yaml');
    await writeFile(
      endpoint,
      `${await readFile(endpoint, 'utf8')}  - result: pass\n    observedAt: 2026-06-28T08:00:00Z\n    summary: answered 401 again\n    source: { workplan: EX-WP-0003 }\n`,
    );
    const run = await sync((await open(dir)).graph, hub, 'apply');
    const gateEvents = run.outcome.events.filter((e) => e.event.eventType === 'ops-migration-gate-passed');
    expect(gateEvents.map((e) => e.status)).toEqual(['present']);
    expect(run.outcome.events.filter((e) => e.status === 'posted').map((e) => e.event.eventType)).toEqual(['ops-endpoint-verified', 'ops-endpoint-verified']);
  });

  it('keeps the dev server state in --data across restarts', async () => {
    const dir = await fixture();
    const dataFile = path.join(dir, '.scratch', 'interhub.json');
    const { graph } = await open(dir);
    const before = await startHub(dir, { dataFile });
    const first = await sync(graph, before, 'apply');
    await before.server.close();
    const after = await InterHubDevServer.start({ dataFile });
    hubs.push({ ...before, server: after });
    const again = await sync(graph, { ...before, server: after }, 'apply');
    expect(again.report.requests.writes).toBe(0);
    expect(again.plan.widgets.every((w) => w.action === 'unchanged')).toBe(true);
    expect(again.mapping).toEqual(first.mapping);
  });

  it('derives idempotency keys that do not change with the moment of the run', async () => {
    const a = desiredEvents((await open(MINIMAL, NOW)).graph).map((e) => e.idempotencyKey);
    const b = desiredEvents((await open(MINIMAL, NOW + 86_400_000)).graph).map((e) => e.idempotencyKey);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });
});

/** No retries at all: a 429 fails its item, as a run that hits a hard limit would. */
async function runWithoutRetries(graph: Parameters<typeof sync>[0], hub: TestHub) {
  return runSync(graph, {
    mode: 'apply',
    base: hub.server.url,
    hub: hub.manifest.hub.slug,
    credentials: { clientId: hub.seeded.consumerId, clientSecret: hub.key },
    client: { retry: { attempts: 1, rateLimitWaits: 0, baseDelayMs: 1, maxDelayMs: 1 } },
  });
}
