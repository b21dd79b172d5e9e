import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { routePath } from '../../src/interhub/wire/routes.ts';
import { writeSyntheticInventory } from './synthetic.ts';
import type { SyncReport } from '../../src/output/sync-report.ts';
import { type BenchRow, commandFile, medianOf, NODE, REPO_ROOT, scratchDir, timeProcess } from './harness.ts';

const SIZE = 1_000;
const NOOP_RUNS = 5;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `npm run interhub:dev -- --seed-hub` as its own process, as an operator rehearses. */
async function startDevServer(key: string): Promise<{ base: string; clientId: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(NODE, [commandFile('interhub-dev'), '--port', String(port), '--seed-hub'], {
    cwd: REPO_ROOT,
    env: { ...process.env, OPS_HUB_KEY: key },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const clientId = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /IHUB_CLIENT_ID=(\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`interhub:dev exited ${code}: ${out}`)));
  });
  return { base: `http://127.0.0.1:${port}`, clientId, stop: () => child.kill('SIGTERM') };
}

/** Full apply of 1,000 synthetic records (widgets, events, annotations) to the dev server on loopback, then a no-op re-sync. */
export async function benchSync(): Promise<BenchRow[]> {
  const dir = scratchDir('sync');
  await writeSyntheticInventory(dir, SIZE, REPO_ROOT);
  const key = `ihk_bench_${randomBytes(12).toString('hex')}`;
  const server = await startDevServer(key);
  try {
    const env = { ...process.env, IHUB_BASE: server.base, IHUB_CLIENT_ID: server.clientId, OPS_HUB_KEY: key };
    const report = path.join(dir, 'report.json');
    const args = [commandFile('sync'), '--apply', '--root', dir, '--now', '2026-06-10T00:00:00Z', '--report', report];
    const full = timeProcess(NODE, args, REPO_ROOT, env);
    const first = JSON.parse(readFileSync(report, 'utf8')) as SyncReport;
    // A run of about a second, most of it start-up: the median of a few, as every other timed row.
    const noop = medianOf(NOOP_RUNS, () => timeProcess(NODE, args, REPO_ROOT, env));
    const second = JSON.parse(readFileSync(report, 'utf8')) as SyncReport;
    if (!first.complete || !second.complete) throw new Error('the benchmark sync did not complete');

    const widgets = first.widgets.length;
    const events = first.events.length;
    const annotations = first.annotations.length;
    const listed = (route: string) => second.requests.lists[`GET ${route}`] ?? 0;
    const pageLists = listed(routePath('widgets')) + listed(routePath('interactionEvents')) + listed(routePath('annotations'));
    const pageBound = Math.ceil(widgets / 100) + Math.ceil(events / 100) + Math.max(1, Math.ceil(annotations / 100));
    return [
      {
        section: 'sync',
        name: `${SIZE} records: full apply (${widgets} widgets, ${events} events, ${annotations} annotations)`,
        value: Math.round(full.ms),
        unit: 'ms',
        target: '≤ 5000 ms',
        ok: full.ms <= 5000,
      },
      { section: 'sync', name: `full apply: all requests, ${first.requests.writes} of them writes`, value: first.requests.requests, unit: 'requests' },
      { section: 'sync', name: `${SIZE} records: no-op re-sync`, value: Math.round(noop.ms), unit: 'ms', target: '≤ 1000 ms', ok: noop.ms <= 1000 },
      { section: 'sync', name: 'no-op re-sync: writes', value: second.requests.writes, unit: 'requests', target: '0', ok: second.requests.writes === 0 },
      { section: 'sync', name: 'no-op re-sync: widget, event and annotation list pages', value: pageLists, unit: 'requests', target: `≤ ${pageBound}`, ok: pageLists <= pageBound },
      { section: 'sync', name: 'no-op re-sync: all requests (token, OpenAPI, registries, hub)', value: second.requests.requests, unit: 'requests' },
    ];
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
