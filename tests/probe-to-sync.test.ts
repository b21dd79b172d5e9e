import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { observedAtOf } from '../src/interhub/wire/metadata.ts';
import { cli } from './helpers/cli.ts';
import { fixture, open } from './helpers/fixture.ts';
import { startHub, sync, type TestHub } from './helpers/interhub.ts';
import { startServer, type LocalServer } from './helpers/local-server.ts';

describe('probe evidence flows into Inter-Hub (HF-WP-0001 T07, IHUB-WP-0022)', () => {
  let registry: LocalServer | undefined;
  let hub: TestHub | undefined;
  afterAll(async () => {
    await registry?.close();
    await hub?.server.close();
  });

  it('a probe --write observation becomes ops-endpoint-verified and ops-health-checked with the probe time as observed_at', async () => {
    registry = await startServer((_req, res) => {
      res.writeHead(401, { 'Docker-Distribution-Api-Version': 'registry/2.0' });
      res.end();
    });
    const dir = await fixture();
    const endpoint = path.join(dir, 'inventory/endpoints/registry-v2.yaml');
    await writeFile(endpoint, (await readFile(endpoint, 'utf8')).replace('https://registry.example.test/v2/', `${registry.origin}/v2/`));

    const probe = await cli('probe.ts', ['--root', dir, '--only', 'registry-v2', '--write', '--now', '2026-07-01T06:00:00Z']);
    expect(probe.code).toBe(0);
    expect(await readFile(endpoint, 'utf8')).toContain('observedAt: 2026-07-01T06:00:00Z');

    const { graph, errors } = await open(dir, Date.parse('2026-07-02T00:00:00Z'));
    expect(errors).toBe(0);
    hub = await startHub(dir);
    const run = await sync(graph, hub, 'apply');
    expect(run.outcome.complete).toBe(true);

    const state = hub.server.snapshot();
    const widgetOf = (name: string) => state.widgets.find((w) => w.name === name)!.id;
    for (const name of ['ops-endpoint-registry-v2', 'ops-readiness-registry-ready']) {
      const probed = state.events.filter((e) => e.widgetId === widgetOf(name) && e.eventType === 'ops-endpoint-verified' && observedAtOf(e) === '2026-07-01T06:00:00.000Z');
      expect(probed).toHaveLength(1);
      expect(probed[0]!.viewContextRef).toBe(`${registry.origin}/v2/`);
      expect(probed[0]!.metadata).toMatchObject({ status: 401, expectedStatus: 401, result: 'pass' });
    }
    // Every probe observation is also ops-health-checked, on the endpoint's own widget only.
    const checked = state.events.filter((e) => e.eventType === 'ops-health-checked');
    expect(checked.map((e) => [e.widgetId, observedAtOf(e), e.metadata?.['result'], e.metadata?.['status']])).toEqual([[widgetOf('ops-endpoint-registry-v2'), '2026-07-01T06:00:00.000Z', 'pass', 401]]);
    const passed = state.events.filter((e) => e.widgetId === widgetOf('ops-readiness-registry-ready') && e.eventType === 'ops-migration-gate-passed');
    expect(passed.map(observedAtOf)).toEqual(['2026-07-01T06:00:00.000Z']);
  });
});
