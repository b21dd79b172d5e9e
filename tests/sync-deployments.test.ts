import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DevDeployment, DevServerFaults } from '../src/interhub/dev/server.ts';
import { NeededRouteError } from '../src/sync/route-needs.ts';
import { runSync } from '../src/sync/run-sync.ts';
import { cli } from './helpers/cli.ts';
import { MINIMAL, NOW, open } from './helpers/fixture.ts';
import { expectExactlyOnce, hubsPerTest, sync, syncEnv } from './helpers/interhub.ts';

/** Inter-Hub deployments differ from the contract ops-hub assumes (issue 12, part 4): the sync goes on, or stops cleanly. */

const startHub = hubsPerTest();
const hubWith = (deployment: Partial<DevDeployment>, faults: Partial<DevServerFaults> = {}) => startHub(MINIMAL, { deployment, faults });

const REGISTRIES = ['widgetTypes', 'eventTypes', 'annotationCategories', 'policyScopes'] as const;

describe('a hub that differs from our assumptions', () => {
  const variants: Array<[string, Partial<DevDeployment>, Partial<DevServerFaults>, string | undefined]> = [
    ['registries that need a token', { tokenRoutes: [...REGISTRIES, 'hubRegistry'] }, {}, undefined],
    ['no policy-scope route', { absentRoutes: ['policyScopes'] }, {}, "GET /api/v2/policy-scopes is not available here (404): policy scopes are left to the server's check"],
    ['extra fields in every answer', { extraFields: true }, {}, undefined],
    ['a policy-scope registry that refuses our token', {}, { routeStatus: { policyScopes: 401 } }, 'GET /api/v2/policy-scopes is not available here (401)'],
    [
      'registries that need a token, no policy-scope route and extra fields',
      { tokenRoutes: [...REGISTRIES], absentRoutes: ['policyScopes'], extraFields: true },
      {},
      'GET /api/v2/policy-scopes is not available here (404)',
    ],
  ];
  for (const [name, deployment, faults, note] of variants) {
    it(`syncs against ${name}: one widget per record, no duplicate event, a quiet second apply`, async () => {
      const { graph } = await open(MINIMAL, NOW);
      const hub = await hubWith(deployment, faults);
      const first = await sync(graph, hub, 'apply');
      expect(first.outcome.complete, JSON.stringify(first.report.widgets.filter((w) => w.error))).toBe(true);
      expect(first.plan.widgets.filter((w) => w.action === 'create')).toHaveLength(graph.size + 1);
      expectExactlyOnce(
        hub,
        first.plan.widgets.map((w) => w.name),
        first.plan.events.filter((e) => e.action === 'post').map((e) => e.event.idempotencyKey),
      );
      if (note) expect(first.report.notes.filter((n) => n.startsWith(note.split(':')[0]!))).toEqual([expect.stringContaining(note)]);
      else expect(first.report.notes.join('\n')).not.toContain('not available here');

      const second = await sync(graph, hub, 'apply');
      expect(second.report.requests.writes).toBe(0);
      expect(second.outcome.widgets.every((w) => w.status === 'unchanged')).toBe(true);
      expect(second.outcome.complete).toBe(true);
    });
  }

  it('sends its bearer token on every request once it has credentials', async () => {
    const { graph } = await open(MINIMAL, NOW);
    const hub = await hubWith({ tokenRoutes: [...REGISTRIES] });
    await sync(graph, hub, 'apply');
    const sent = hub.server.received.filter((r) => r.path !== '/token');
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((r) => !r.bearer)).toEqual([]);
  });

  for (const status of [401, 403, 404, 405, 501]) {
    it(`goes on without the annotation-category registry when it answers ${status}, and stops when the event-type registry does`, async () => {
      const { graph } = await open(MINIMAL, NOW);
      const optional = await hubWith({}, { routeStatus: { annotationCategories: status } });
      const run = await sync(graph, optional, 'plan');
      expect(run.report.notes).toContain(`GET /api/v2/annotation-categories is not available here (${status}): annotation categories are left to the server's check`);
      expect(run.outcome.complete).toBe(true);

      const needed = await hubWith({}, { routeStatus: { eventTypes: status } });
      const stopped = await sync(graph, needed, 'plan').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(stopped).toBeInstanceOf(NeededRouteError);
      const message = (stopped as NeededRouteError).message;
      expect(message).toContain(`GET /api/v2/event-types answered ${status}: the sync cannot go on without this route`);
      expect(message).toContain(status === 401 ? 'IHUB_CLIENT_ID' : status === 403 ? 'hub:ops-hub:write' : 'GET /api/v2/openapi.json');
    });
  }
});

describe('a run that stops', () => {
  it('cancels what it has in flight: after the stop nothing more is sent and nothing more is logged', async () => {
    const { graph } = await open(MINIMAL, NOW);
    // The widget list is needed and missing; the event list hangs; a registry answers 503 and is retried.
    const hub = await hubWith({}, { routeStatus: { widgets: 404, annotationCategories: 503 }, stallRoutes: ['interactionEvents'] });
    const log: string[] = [];
    const stopped = await runSync(graph, {
      mode: 'apply',
      base: hub.server.url,
      hub: hub.manifest.hub.slug,
      credentials: { clientId: hub.seeded.consumerId, clientSecret: hub.key },
      // Long backoff: the 503'd registry is waiting to retry when the run stops.
      client: { retry: { attempts: 8, baseDelayMs: 10_000, maxDelayMs: 10_000 } },
      log: (line) => log.push(line),
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    log.push('STOP');
    const sentAtStop = hub.server.received.length;

    expect(stopped).toBeInstanceOf(NeededRouteError);
    expect((stopped as Error).message).toContain('GET /api/v2/widgets answered 404');
    // The held request was cut off by the client, not answered.
    await hub.server.whenIdle();
    expect(hub.server.received.filter((r) => r.path === '/interaction-events').map((r) => r.outcome)).toEqual(['abandoned']);
    expect(hub.server.received).toHaveLength(sentAtStop);
    expect(log.slice(log.indexOf('STOP') + 1)).toEqual([]);
    expect(hub.server.snapshot().widgets).toHaveLength(0);
  });

  it('prints the stop as its last line, names the route, and writes the failure report', async () => {
    const hub = await hubWith({}, { routeStatus: { widgets: 404 }, stallRoutes: ['interactionEvents'] });
    const report = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-stop-')), 'report.json');
    const r = await cli('sync.ts', ['--apply', '--root', MINIMAL, '--report', report], {
      env: syncEnv({ IHUB_BASE: hub.server.url, IHUB_CLIENT_ID: hub.seeded.consumerId, OPS_HUB_KEY: hub.key }),
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-2)).toContain('sync: GET /api/v2/widgets answered 404: the sync cannot go on without this route');
    expect(lines.at(-1)).toBe('sync: stopped while reading Inter-Hub, before any write; nothing was sent');
    expect(JSON.parse(await readFile(report, 'utf8'))).toMatchObject({ complete: false, error: { code: 'route-needed', route: 'GET /api/v2/widgets' } });
    await hub.server.whenIdle();
    expect(hub.server.received.filter((r) => r.path === '/interaction-events').map((r) => r.outcome)).toEqual(['abandoned']);
  });
});
