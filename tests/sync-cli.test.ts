import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InterHubDevServer } from '../src/interhub/dev/server.ts';
import { probeBootstrapGate } from '../src/interhub/gate-probe.ts';
import { WIDGET_SEED_FILE } from '../src/model/vocabulary.ts';
import { cli } from './helpers/cli.ts';
import { fixture, open, REPO_ROOT } from './helpers/fixture.ts';
import { startHub, syncEnv as env, type TestHub } from './helpers/interhub.ts';

const OPERATOR_KEY = 'op_test_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

let servers: InterHubDevServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function devServer(gateOpen: boolean): Promise<InterHubDevServer> {
  const server = await InterHubDevServer.start({ gateOpen, operatorKey: OPERATOR_KEY });
  servers.push(server);
  return server;
}

/** A port on 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('probe:gate', () => {
  it('reads open, closed and unreachable, with exit codes 0, 1 and 2', async () => {
    const open = await devServer(true);
    const closed = await devServer(false);
    const dead = await closedPort();

    const o = await cli('probe-gate.ts', ['--base', open.url]);
    expect(o.code).toBe(0);
    expect(JSON.parse(o.stdout)).toMatchObject({ status: 'open', hubsStatus: 401, missingPaths: [] });

    const c = await cli('probe-gate.ts', ['--base', closed.url]);
    expect(c.code).toBe(1);
    const verdict = JSON.parse(c.stdout);
    expect(verdict).toMatchObject({ status: 'closed', hubsStatus: 404 });
    expect(verdict.missingPaths).toEqual(['/hubs', '/hub-capability-manifests', '/api-consumers', '/policy-scopes']);
    expect(verdict.reasons.join('\n')).toContain('answers 404, not 401');

    const u = await cli('probe-gate.ts', ['--base', dead, '--timeout-ms', '2000']);
    expect(u.code).toBe(2);
    expect(JSON.parse(u.stdout)).toMatchObject({ status: 'unreachable' });
  });

  it('calls a 500 or a non-OpenAPI answer unreachable, not closed', async () => {
    const server = await devServer(true);
    server.faults.failEvery = 1;
    expect((await probeBootstrapGate(server.url)).status).toBe('unreachable');
  });
});

describe('sync command', () => {
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.server.close();
    hub = undefined;
  });

  it('plans, applies, writes report and mapping, and never prints a secret', async () => {
    hub = await startHub(REPO_ROOT);
    const out = await mkdtemp(path.join(tmpdir(), 'ops-hub-sync-'));
    const report = path.join(out, 'report.json');
    const mapping = path.join(out, 'mapping.json');
    const vars = env({ IHUB_BASE: hub.server.url, IHUB_CLIENT_ID: hub.seeded.consumerId, OPS_HUB_KEY: hub.key });

    const plan = await cli('sync.ts', ['--plan', '--format', 'md', '--now', '2026-06-01T00:00:00Z'], { env: vars });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`### Inter-Hub sync plan — hub ops-hub (${hub.seeded.hubId})`);
    expect(plan.stdout).toContain('- widgets: 52 to create, 0 unchanged, 0 drift, 0 orphan, 0 skipped');

    const apply = await cli('sync.ts', ['--apply', '--report', report, '--mapping', mapping, '--now', '2026-06-01T00:00:00Z'], { env: vars });
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('complete: Inter-Hub holds what the inventory says');
    const written = JSON.parse(await readFile(report, 'utf8'));
    expect(written).toMatchObject({ mode: 'apply', complete: true, hub: { id: hub.seeded.hubId, slug: 'ops-hub' } });
    expect(written.keyPrefix.length).toBeLessThanOrEqual(7);
    expect(hub.key.startsWith(written.keyPrefix.replace('…', ''))).toBe(true);
    const map = JSON.parse(await readFile(mapping, 'utf8'));
    const state = hub.server.snapshot();
    expect(map['ops-env-coulombcore']).toBe(state.widgets.find((w) => w.name === 'ops-env-coulombcore')!.id);

    const again = await cli('sync.ts', ['--apply', '--now', '2026-06-01T00:00:00Z'], { env: vars });
    expect(again.stdout).toContain('widgets: 0 created, 52 unchanged');

    const everything = [plan.stdout, plan.stderr, apply.stdout, apply.stderr, again.stdout, again.stderr, await readFile(report, 'utf8'), await readFile(mapping, 'utf8')].join('\n');
    expect(hub.server.issuedTokens().length).toBeGreaterThan(0);
    for (const secret of [hub.key, ...hub.server.issuedTokens()]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/bearer\s+\S/i);
  });

  it('keeps the key out of a refused exchange and says which variables to check', async () => {
    hub = await startHub(REPO_ROOT);
    const wrong = 'ihk_wrong_0123456789abcdef0123456789';
    const r = await cli('sync.ts', ['--plan'], { env: env({ IHUB_BASE: hub.server.url, IHUB_CLIENT_ID: hub.seeded.consumerId, OPS_HUB_KEY: wrong }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the key exchange was refused (401 invalid_client) — check IHUB_CLIENT_ID and OPS_HUB_KEY');
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it('needs its configuration from the environment (exit 2 when missing)', async () => {
    const r = await cli('sync.ts', ['--plan'], { env: env({}) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('IHUB_BASE is not set');
    const noKey = await cli('sync.ts', ['--plan'], { env: env({ IHUB_BASE: 'http://127.0.0.1:9' }) });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('IHUB_CLIENT_ID and OPS_HUB_KEY are not set');
    // The site URL is written into annotations: nothing but a plain base URL.
    const site = await cli('sync.ts', ['--plan', '--site-url', 'https://ops.example/ops-hub/?token=abc'], { env: env({ IHUB_BASE: 'http://127.0.0.1:9', IHUB_CLIENT_ID: 'x', OPS_HUB_KEY: 'y' }) });
    expect(site.code).toBe(2);
    expect(site.stderr).toContain("--site-url must be the site's plain base URL, without credentials, query or fragment");
    expect(site.stderr).not.toContain('token=abc');
  });

  it('refuses an inventory that fails validate, sending nothing', async () => {
    const dir = await fixture({ 'inventory/services/git.yaml': 'id: git\n' });
    const r = await cli('sync.ts', ['--apply', '--root', dir], { env: env({ IHUB_BASE: 'http://127.0.0.1:9', IHUB_CLIENT_ID: 'x', OPS_HUB_KEY: 'y' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sync: refused — the inventory fails validate; nothing was sent');
  });
});

describe('bootstrap', () => {
  it('with the gate open: creates hub, manifest, consumer and key, seeds the widgets; a re-run reuses them', async () => {
    const server = await devServer(true);
    const keyDir = await mkdtemp(path.join(tmpdir(), 'ops-hub-key-'));
    const keyOut = path.join(keyDir, 'OPS_HUB_KEY');
    const vars = env({ IHUB_BASE: server.url, IHUB_OPERATOR_KEY: OPERATOR_KEY });
    const r = await cli('sync.ts', ['--bootstrap', '--key-out', keyOut, '--now', '2026-06-01T00:00:00Z'], { env: vars });
    expect(r.code).toBe(0);
    const state = server.snapshot();
    expect(state.hubs.map((h) => h.slug)).toEqual(['ops-hub']);
    expect(state.manifests.map((m) => m.status)).toEqual(['active']);
    expect(state.consumers).toHaveLength(1);
    expect(state.widgets).toHaveLength(52);
    const key = (await readFile(keyOut, 'utf8')).trim();
    expect(r.stdout).toMatch(/hub ops-hub \S+ \(created\)/);
    expect(r.stdout).toContain(`API key ${key.slice(0, 6)}… created; the whole key is in ${keyOut} (mode 600)`);
    expect(r.stdout + r.stderr).not.toContain(key);
    expect(r.stdout + r.stderr).not.toContain(OPERATOR_KEY);

    const again = await cli('sync.ts', ['--bootstrap', '--key-out', keyOut, '--now', '2026-06-01T00:00:00Z'], {
      env: { ...vars, IHUB_CLIENT_ID: state.consumers[0]!.id, OPS_HUB_KEY: key },
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/hub ops-hub \S+ \(reused\)/);
    expect(again.stdout).toContain('no new key created');
    expect(again.stdout).toContain('widgets: 0 created, 52 unchanged');
    const after = server.snapshot();
    expect(after.hubs).toHaveLength(1);
    expect(after.manifests).toHaveLength(1);
    expect(after.keys).toHaveLength(1);
  });

  it('with the gate closed: says so, names the attended path, creates nothing, exits non-zero', async () => {
    const server = await devServer(false);
    const r = await cli('sync.ts', ['--bootstrap', '--key-out', path.join(tmpdir(), 'never-written')], {
      env: env({ IHUB_BASE: server.url, IHUB_OPERATOR_KEY: OPERATOR_KEY }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the bootstrap API gate is closed');
    expect(r.stderr).toContain('inventory/runbooks/ops-hub-bootstrap.md');
    expect(server.snapshot().hubs).toHaveLength(0);
  });

  it('refuses to write the key inside the repository', async () => {
    const r = await cli('sync.ts', ['--bootstrap', '--key-out', path.join(REPO_ROOT, 'key.txt')], { env: env({ IHUB_BASE: 'http://127.0.0.1:9', IHUB_OPERATOR_KEY: OPERATOR_KEY }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is inside the repository');
  });
});

describe('seeds', () => {
  it('are generated, and validate fails when they are stale', async () => {
    const dir = await fixture();
    const made = await cli('seeds.ts', ['--root', dir]);
    expect(made.code).toBe(0);
    const seed = JSON.parse(await readFile(path.join(dir, WIDGET_SEED_FILE), 'utf8'));
    expect(seed.widgets.map((w: { name: string }) => w.name)).toContain('ops-readiness-registry-ready');
    expect((await open(dir)).errors).toBe(0);

    const git = path.join(dir, 'inventory/services/git.yaml');
    await writeFile(git, (await readFile(git, 'utf8')).replace(/policyScope: .*/, 'policyScope: ops-production'));
    const stale = await open(dir);
    expect(stale.diagnostics.filter((d) => d.code === 'seed-stale').map((d) => d.file)).toEqual([WIDGET_SEED_FILE]);

    expect((await cli('seeds.ts', ['--root', dir])).code).toBe(0);
    expect((await open(dir)).errors).toBe(0);
  });

  it('of the repository are fresh', async () => {
    const { diagnostics } = await open(REPO_ROOT);
    expect(diagnostics.filter((d) => d.code === 'seed-stale')).toEqual([]);
    expect(await readFile(path.join(REPO_ROOT, WIDGET_SEED_FILE), 'utf8')).toContain('"name": "ops-readiness-gitea-registry"');
  });
});
