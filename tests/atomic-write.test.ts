import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { LockTimeoutError, withFileLock } from '../src/util/file-lock.ts';
import { cli, commandFile } from './helpers/cli.ts';
import { fixture, open } from './helpers/fixture.ts';
import { startServer, type LocalServer } from './helpers/local-server.ts';

const run = promisify(execFile);
const NOW_ISO = '2026-07-01T00:00:00Z';
const LATER_ISO = '2026-07-01T06:00:00Z';
const REGISTRY_HEADER = { 'Docker-Distribution-Api-Version': 'registry/2.0' };
/** How many endpoints the concurrent runs probe: enough files that unlocked writes would interleave. */
const ENDPOINTS = 12;

/**
 * A registry on 127.0.0.1 that holds every answer until `release` requests are
 * waiting, then answers them all at once: two probe runs started together
 * then reach their writes together.
 */
let registry: LocalServer;
let waiting: ServerResponse[] = [];
let release = 1;
beforeAll(async () => {
  registry = await startServer((_req, res) => {
    waiting.push(res);
    if (waiting.length < release) return;
    for (const r of waiting) {
      r.writeHead(401, REGISTRY_HEADER);
      r.end();
    }
    waiting = [];
  });
});
afterAll(() => registry.close());

function endpoint(id: string, extra: string[] = []): string {
  return [
    `id: ${id}`, `title: Registry ${id}`, 'owner: railiance-apps', 'policyScope: ops-registry', 'status: active', 'service: registry',
    `url: ${registry.origin}/v2/${id}`, 'expect:', '  status: 401', '  headers:', '    Docker-Distribution-Api-Version: registry/2.0', ...extra, '',
  ].join('\n');
}

const probe = (dir: string, ...args: string[]) => ['--root', dir, '--write', '--no-cache', '--concurrency', String(ENDPOINTS + 1), ...args];
const PROBE = commandFile('probe');
const git = (dir: string, ...args: string[]) => run('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args]);

interface ProbeItem {
  observedAt: string;
  maxAge: string;
  source: { probe?: string };
}

describe('probe --write is atomic and safe to run twice at once', () => {
  it('a writer killed between write and rename leaves the record whole; the next run takes over its lock', async () => {
    release = 1;
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': endpoint('registry-v2') });
    const target = path.join(dir, 'inventory/endpoints/registry-v2.yaml');
    const before = await readFile(target, 'utf8');
    const marker = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-pause-')), 'paused');
    const child = spawn(process.execPath, [PROBE, ...probe(dir, '--now', NOW_ISO)], {
      env: { ...process.env, OPS_HUB_TEST_PAUSE_BEFORE_RENAME: marker },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    // The writer names its temp file in the marker once the temp file is written, then waits to be killed.
    const temp = await vi.waitFor(
      async () => {
        const text = existsSync(marker) ? await readFile(marker, 'utf8') : '';
        if (!text) throw new Error('the writer has not paused yet');
        return text;
      },
      { timeout: 30_000, interval: 20 },
    );
    child.kill('SIGKILL');
    await exited;

    expect(path.dirname(temp)).toBe(path.dirname(target));
    expect(path.basename(temp)).toMatch(/^\.registry-v2\.yaml\.[0-9a-f]{12}\.tmp$/);
    expect(await readFile(temp, 'utf8')).toContain(`observedAt: ${NOW_ISO}`);
    expect(await readFile(target, 'utf8')).toBe(before);
    const lock = JSON.parse(await readFile(path.join(dir, '.cache/write.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(child.pid);

    // The temp file is a dotfile: counted, never taken for a record.
    const validated = await cli('validate.ts', ['--root', dir, '--now', NOW_ISO, '--no-cache']);
    expect(validated.code, validated.stdout).toBe(0);
    expect(validated.stdout).toContain('in 16 records; 1 dotfile ignored');

    const again = await cli('probe.ts', probe(dir, '--now', LATER_ISO));
    expect(again.code, again.stderr).toBe(0);
    const evidence = (parse(await readFile(target, 'utf8')) as { evidence: ProbeItem[] }).evidence;
    expect(evidence.map((e) => e.observedAt)).toEqual([LATER_ISO]);
    expect(existsSync(path.join(dir, '.cache/write.lock'))).toBe(false);
  });

  it('two runs at once: every file whole, all from the run that wrote last, which built on the first', async () => {
    const ids = Array.from({ length: ENDPOINTS }, (_, i) => `registry-${i + 1}`);
    const dir = await fixture(Object.fromEntries([['inventory/endpoints/registry-v2.yaml', endpoint('registry-v2')], ...ids.map((id) => [`inventory/endpoints/${id}.yaml`, endpoint(id)])]));
    await git(dir, 'init', '-q');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'base');
    release = 2 * (ENDPOINTS + 1);

    // A asks for a short max age; B asks for none, so it keeps the one on the item it replaces:
    // B writing last from the files as it first read them (no lock) would record P7D somewhere.
    const [a, b] = await Promise.all([cli('probe.ts', probe(dir, '--now', NOW_ISO, '--max-age', 'P3D')), cli('probe.ts', probe(dir, '--now', LATER_ISO))]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);

    const opened = await open(dir, Date.parse(LATER_ISO));
    expect(opened.errors).toBe(0);
    const items = [...ids, 'registry-v2'].map((id) => {
      const probeItems = ((opened.graph.get(id)!.data as { evidence?: ProbeItem[] }).evidence ?? []).filter((e) => e.source.probe);
      expect(probeItems, id).toHaveLength(1);
      return probeItems[0]!;
    });
    expect(new Set(items.map((e) => e.observedAt)).size, 'a mix of both runs').toBe(1);
    expect(new Set(items.map((e) => e.maxAge))).toEqual(new Set(['P3D']));

    // The change is whole evidence items added, nothing else touched.
    const numstat = (await git(dir, 'diff', '--numstat')).stdout.trim().split('\n');
    expect(numstat).toHaveLength(ENDPOINTS + 1);
    for (const line of numstat) expect(line, line).toMatch(/^\d+\t0\t/);
    expect((await git(dir, 'status', '--porcelain', '--untracked-files=all', '--', 'inventory', 'gates')).stdout.split('\n').filter((l) => l.startsWith('??'))).toEqual([]);
  });

  it('two seeds runs at once write whole files that validate', async () => {
    const dir = await fixture();
    const [a, b] = await Promise.all([cli('seeds.ts', ['--root', dir]), cli('seeds.ts', ['--root', dir])]);
    expect([a.code, b.code], `${a.stderr}${b.stderr}`).toEqual([0, 0]);
    expect((await open(dir)).diagnostics).toEqual([]);
    expect((await readdir(path.join(dir, 'seeds'))).sort()).toEqual(['ops-hub-manifest.draft.json', 'ops-hub-widgets.seed.json']);
  });
});

describe('the write lock', () => {
  it('waits for a live holder, then gives up naming it and the lock file', async () => {
    const lock = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-lock-')), 'write.lock');
    let entered = false;
    await withFileLock(lock, async () => {
      // Held by this very process: alive, so a second taker must wait.
      await expect(withFileLock(lock, async () => (entered = true), { timeoutMs: 300 })).rejects.toThrow(LockTimeoutError);
      await expect(withFileLock(lock, async () => (entered = true), { timeoutMs: 50 })).rejects.toThrow(
        new RegExp(`${lock.replaceAll('/', '\\/')} is held by process ${process.pid} .*if no such process runs, delete`),
      );
    });
    expect(entered).toBe(false);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    const lock = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-lock-')), 'write.lock');
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    await writeFile(lock, JSON.stringify({ pid: child.pid, host: hostname(), token: 'gone', since: NOW_ISO }));
    expect(await withFileLock(lock, async () => 'ran', { timeoutMs: 5_000 })).toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });
});
