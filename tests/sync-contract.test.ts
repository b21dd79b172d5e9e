import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareContract } from '../src/interhub/contract.ts';
import type { DevDeployment, DevServerFaults } from '../src/interhub/dev/server.ts';
import { OPERATIONS } from '../src/interhub/wire/operations.ts';
import { API_ROOT, ROUTES } from '../src/interhub/wire/routes.ts';
import type { ContractCheck } from '../src/output/contract-report.ts';
import { cli } from './helpers/cli.ts';
import { MINIMAL } from './helpers/fixture.ts';
import { hubsPerTest, syncEnv, type TestHub } from './helpers/interhub.ts';

/** Issue 15, part 4: the wire shapes against the live OpenAPI, before anything is written. */

const startHub = hubsPerTest();
const hubWith = (deployment: Partial<DevDeployment> = {}, faults: Partial<DevServerFaults> = {}) => startHub(MINIMAL, { deployment, faults });

const envOf = (hub: TestHub) => syncEnv({ IHUB_BASE: hub.server.url, IHUB_CLIENT_ID: hub.seeded.consumerId, OPS_HUB_KEY: hub.key });
const syncCli = (hub: TestHub, ...args: string[]) => cli('sync.ts', ['--root', MINIMAL, '--now', '2026-07-01T00:00:00Z', ...args], { env: envOf(hub) });
/** Every write the hub received: none may arrive from a refused apply (the token exchange is no write). */
const writes = (hub: TestHub) => hub.server.received.filter((r) => r.method === 'POST' && r.path !== '/token');

const RENAMED: Partial<DevDeployment> = { renamedFields: [{ method: 'POST', route: 'widgets', from: 'widgetType', to: 'type' }] };
const NO_EVENT_POSTS: Partial<DevDeployment> = { absentOperations: [{ method: 'POST', route: 'interactionEvents' }] };

describe('npm run sync -- --check-contract', { timeout: 120_000 }, () => {
  it('agrees with a hub as assumed (exit 0), in text, md and json, from the OpenAPI the dev server derives from its routes', async () => {
    const hub = await hubWith();
    const text = await syncCli(hub, '--check-contract');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Inter-Hub contract at ${hub.server.url}: agrees with the live OpenAPI`);
    expect(text.stdout).toContain(
      [
        '  agrees   POST /api/v2/widgets',
        '             we send: hubId*, name*, widgetType*, policyScope*, viewContext*, status*',
        '             they declare: hubId*, name*, widgetType*, capabilityRef, viewContext, policyScope, status, adapterSpecId',
      ].join('\n'),
    );
    const md = await syncCli(hub, '--check-contract', '--format', 'md');
    expect(md.stdout).toContain('| request | we send | they declare | verdict | why |');
    expect(md.stdout).toContain('| `POST /api/v2/annotations` | widgetId*, category*, body*, metadata* |');
    const json = JSON.parse((await syncCli(hub, '--check-contract', '--format', 'json')).stdout) as Extract<ContractCheck, { operations: unknown }>;
    expect(json.verdict).toBe('agrees');
    expect(json.operations.map((o) => `${o.method} ${o.route}`)).toEqual(OPERATIONS.map((o) => `${o.method} ${API_ROOT}${ROUTES[o.route]}`));
    expect(json.operations.filter((o) => o.verdict !== 'agrees')).toEqual([]);
  });

  it('fails on a renamed required field (exit 1), naming the route and the field; an --apply against it writes nothing at all', async () => {
    const hub = await hubWith(RENAMED);
    const check = await syncCli(hub, '--check-contract');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('differs  POST /api/v2/widgets — they require "type", which we do not send; we send "widgetType", which they do not declare');

    const plan = await syncCli(hub, '--plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('contract: DIFFERS from the live OpenAPI on 1 request(s): POST /api/v2/widgets (they require "type"');

    const report = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-contract-')), 'report.json');
    const apply = await syncCli(hub, '--apply', '--report', report);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('sync: refused before any write: the live OpenAPI disagrees with what the sync would send — POST /api/v2/widgets: they require "type"');
    expect(apply.stderr.trim().split('\n').at(-1)).toBe('sync: nothing was sent');
    expect(JSON.parse(await readFile(report, 'utf8'))).toMatchObject({ complete: false, error: { code: 'contract-differs', route: 'POST /api/v2/widgets' } });
    expect(writes(hub)).toEqual([]);
    expect(hub.server.snapshot().widgets).toEqual([]);
  });

  it('fails on a dropped write route (exit 1); an --apply against it writes nothing at all, not even the widgets', async () => {
    const hub = await hubWith(NO_EVENT_POSTS);
    const check = await syncCli(hub, '--check-contract');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('differs  POST /api/v2/interaction-events — POST /interaction-events is not listed');

    const apply = await syncCli(hub, '--apply');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('POST /api/v2/interaction-events: POST /interaction-events is not listed');
    expect(writes(hub)).toEqual([]);
    expect(hub.server.snapshot().widgets).toEqual([]);
  });

  it('cannot read the document: exit 2; a plan and an apply warn and go on (older deployments)', async () => {
    const hub = await hubWith({}, { routeStatus: { openapi: 404 } });
    const check = await syncCli(hub, '--check-contract', '--format', 'json');
    expect(check.code).toBe(2);
    expect(JSON.parse(check.stdout)).toEqual({ base: hub.server.url, verdict: 'unreadable', reason: 'GET /api/v2/openapi.json: not found (404); the contract was not checked' });
    const apply = await syncCli(hub, '--apply');
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('contract: not checked — GET /api/v2/openapi.json: not found (404); the contract was not checked');
    expect(apply.stdout).toContain('complete: Inter-Hub holds what the inventory says');
  });

  it('an absent route the run does without is not a disagreement', async () => {
    const hub = await hubWith({ absentRoutes: ['policyScopes'] });
    const check = await syncCli(hub, '--check-contract');
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toContain('absent   GET /api/v2/policy-scopes — not listed: the run does without it');
  });
});

describe('compareContract', () => {
  const widgetsPost = OPERATIONS.filter((o) => o.method === 'POST' && o.route === 'widgets');
  const doc = (schema: unknown, components: unknown = {}) => ({ paths: { '/api/v2/widgets': { post: { requestBody: { content: { 'application/json': { schema } } } } } }, components });

  it('reads request schemas behind $ref and allOf, whichever way the path is spelt', () => {
    const fields = { hubId: {}, name: {}, widgetType: {}, policyScope: {}, viewContext: {}, status: {} };
    const viaRef = doc({ $ref: '#/components/schemas/WidgetCreate' }, { schemas: { WidgetCreate: { allOf: [{ $ref: '#/components/schemas/Base' }, { properties: { viewContext: {}, status: {} } }] }, Base: { required: ['hubId', 'name'], properties: { hubId: {}, name: {}, widgetType: {}, policyScope: {} } } } });
    expect(compareContract(viaRef, widgetsPost)).toEqual([expect.objectContaining({ verdict: 'agrees', declares: { properties: Object.keys(fields), required: ['hubId', 'name'] } })]);
    const needsMore = doc({ required: ['hubId', 'capabilityRef'], properties: { ...fields, capabilityRef: {} } });
    expect(compareContract(needsMore, widgetsPost)[0]).toMatchObject({ verdict: 'differs', problems: ['they require "capabilityRef", which we do not send'] });
    const unnamed = { paths: { '/widgets/{widgetId}': { get: {} } } };
    expect(compareContract(unnamed, OPERATIONS.filter((o) => o.route === 'widget'))).toEqual([]);
    expect(compareContract(unnamed, [{ method: 'GET', route: 'widget', use: 'read' }])[0]).toMatchObject({ verdict: 'agrees' });
  });

  it('takes a listed operation without a request schema as agreeing: there is nothing to compare', () => {
    expect(compareContract({ paths: { '/widgets': { post: {} } } }, widgetsPost)[0]).toMatchObject({ verdict: 'agrees', problems: [] });
  });
});
