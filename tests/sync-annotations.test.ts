import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DevDeployment } from '../src/interhub/dev/server.ts';
import { renderSyncReport } from '../src/output/sync-report.ts';
import { fixture, MINIMAL, NOW, open } from './helpers/fixture.ts';
import { expectExactlyOnce, hubsPerTest, sync, type TestHub } from './helpers/interhub.ts';

/** Issue 15, part 1: annotations, posted idempotently like events, never deleted. */

const startHub = hubsPerTest();
const hubFor = (root: string, deployment: Partial<DevDeployment> = {}, edit?: Parameters<typeof startHub>[2]) => startHub(root, { deployment }, edit);

const riskFile = (dir: string) => path.join(dir, 'inventory/risks/git-no-backup.yaml');
async function editRisk(dir: string, from: RegExp, to: string): Promise<void> {
  await writeFile(riskFile(dir), (await readFile(riskFile(dir), 'utf8')).replace(from, to));
}

describe('annotations', () => {
  it('are posted once per cause, shown in plan, reports and mapping; a cause that is gone is resolved and kept; one that comes back gets a new key', async () => {
    const dir = await fixture();
    const hub = await hubFor(dir);
    const first = await sync((await open(dir)).graph, hub, 'apply');
    expect(first.outcome.complete).toBe(true);
    const risk = first.plan.annotations.filter((a) => a.recordId === 'git-no-backup');
    expect(risk.map((a) => [a.action, a.category, a.widgetName])).toEqual([['post', 'ops-backup-gap', 'ops-service-git']]);
    const posted = first.outcome.annotations.filter((a) => a.status === 'posted');
    expect(posted.length).toBe(first.plan.annotations.length);
    for (const a of posted) expect(first.mapping[a.idempotencyKey]).toBe(a.annotationId);
    expect(renderSyncReport(first.report, 'text')).toContain(`annotations: ${posted.length} posted, 0 already there, 0 resolved, 0 skipped, 0 failed, 0 not attempted`);
    expect(renderSyncReport(first.report, 'md')).toContain('`annotation ops-backup-gap on ops-service-git`');
    expect(JSON.parse(renderSyncReport(first.report, 'json')).annotations).toHaveLength(posted.length);
    expectExactlyOnce(
      hub,
      first.plan.widgets.map((w) => w.name),
      first.plan.events.map((e) => e.event.idempotencyKey),
      first.plan.annotations.map((a) => a.idempotencyKey),
    );

    // Mitigated: the cause is gone. Listed as resolved, nothing deleted, nothing posted.
    await editRisk(dir, /status: raised/, 'status: mitigated');
    const mitigated = await sync((await open(dir)).graph, hub, 'apply');
    const resolved = mitigated.outcome.annotations.filter((a) => a.action === 'resolved');
    expect(resolved.map((a) => [a.status, a.idempotencyKey, a.recordId])).toEqual([['resolved', risk[0]!.idempotencyKey, 'git-no-backup']]);
    expect(renderSyncReport(mitigated.report, 'text')).toContain('resolved  annotation ops-backup-gap on ops-service-git  (about git-no-backup — its cause is gone: kept (Inter-Hub has no delete), nothing posted)');
    expect(mitigated.outcome.annotations.some((a) => a.status === 'posted')).toBe(false);
    expect(hub.server.snapshot().annotations.filter((a) => a.metadata?.['risk'] === 'git-no-backup')).toHaveLength(1);
    expect(mitigated.mapping[risk[0]!.idempotencyKey]).toBeUndefined();

    // Raised again, on a new day: a new annotation beside the old one.
    await editRisk(dir, /status: mitigated\n/, 'status: raised\n');
    await editRisk(dir, /raisedAt: .*/, 'raisedAt: 2026-06-30');
    const again = await sync((await open(dir)).graph, hub, 'apply');
    const back = again.outcome.annotations.filter((a) => a.recordId === 'git-no-backup' && a.action !== 'resolved');
    expect(back.map((a) => a.status)).toEqual(['posted']);
    expect(back[0]!.idempotencyKey).not.toBe(risk[0]!.idempotencyKey);
    expect(hub.server.snapshot().annotations.filter((a) => a.metadata?.['risk'] === 'git-no-backup')).toHaveLength(2);
    expect((await sync((await open(dir)).graph, hub, 'apply')).report.requests.writes).toBe(0);
  });

  it('skip a category Inter-Hub has not registered, and say why', async () => {
    const { graph } = await open(MINIMAL, NOW);
    const hub = await hubFor(MINIMAL, {}, (m) => ({ ...m, declaredAnnotationCategories: m.declaredAnnotationCategories.filter((c) => c !== 'ops-backup-gap') }));
    const run = await sync(graph, hub, 'apply');
    const gaps = run.outcome.annotations.filter((a) => a.category === 'ops-backup-gap');
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((a) => a.status === 'skipped' && a.reason === 'annotation category "ops-backup-gap" is not in Inter-Hub\'s annotation-category registry')).toBe(true);
    expect(hub.server.snapshot().annotations.some((a) => a.category === 'ops-backup-gap')).toBe(false);
    expect(run.outcome.complete).toBe(true);
  });

  it('are not posted on a deployment that does not list them, and the rest of the sync goes on', async () => {
    const { graph } = await open(MINIMAL, NOW);
    const hub = await hubFor(MINIMAL, { absentRoutes: ['annotations'] });
    const run = await sync(graph, hub, 'apply');
    expect(run.outcome.complete).toBe(true);
    const note = 'GET /api/v2/annotations is not available here (404): annotations are not posted (a lost create could not be looked up)';
    expect(run.report.notes).toContain(note);
    expect(run.outcome.annotations.length).toBeGreaterThan(0);
    expect(run.outcome.annotations.every((a) => a.status === 'skipped' && a.reason === note)).toBe(true);
    expect(run.report.counts.widgets['created']).toBe(graph.size + 1);
    expect((await sync(graph, hub, 'apply')).report.requests.writes).toBe(0);
  });
});

describe('the dev server annotation routes', () => {
  async function token(hub: TestHub): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: hub.seeded.consumerId, client_secret: hub.key });
    const answer = await fetch(`${hub.server.url}/api/v2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    return ((await answer.json()) as { access_token: string }).access_token;
  }

  it('check the category against the registry and the consumer\'s manifest, and list by widget and category', async () => {
    const hub = await hubFor(MINIMAL);
    await sync((await open(MINIMAL, NOW)).graph, hub, 'apply');
    const widget = hub.server.snapshot().widgets.find((w) => w.name === 'ops-service-git')!;
    const bearer = { authorization: `Bearer ${await token(hub)}`, 'content-type': 'application/json' };
    const post = async (category: string) => {
      const answer = await fetch(`${hub.server.url}/api/v2/annotations`, { method: 'POST', headers: bearer, body: JSON.stringify({ widgetId: widget.id, category, body: 'a note' }) });
      return { status: answer.status, body: (await answer.json()) as unknown };
    };
    expect(await post('no-such-category')).toEqual({ status: 422, body: { errors: { category: '"no-such-category" is not in the annotation-category registry' } } });
    // Registered by the framework, but not declared by the ops-hub manifest.
    expect(await post('note')).toEqual({ status: 422, body: { errors: { category: '"note" is not declared by the consumer\'s active manifest' } } });
    expect((await post('ops-drift')).status).toBe(201);

    const list = await fetch(`${hub.server.url}/api/v2/annotations?widgetId=${widget.id}&category=ops-drift`, { headers: bearer });
    const page = (await list.json()) as { data: Array<{ category: string; body: string }>; meta: { total: number } };
    expect(page.meta.total).toBe(1);
    expect(page.data[0]).toMatchObject({ category: 'ops-drift', body: 'a note' });
  });
});
