import { appendFile, chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openInventory } from '../src/inventory.ts';
import { gitSource } from '../src/load/git-source.ts';
import { MAX_STEPS, readinessHistory } from '../src/site/readiness-history.ts';
import { readinessChart } from '../src/views/readiness-chart.ts';
import { cli } from './helpers/cli.ts';
import { fixture, NOW, open } from './helpers/fixture.ts';
import { commitAll, git, gitInit } from './helpers/git-history.ts';

const GATE = 'gates/backups-proven.yaml';
const CACHE = '.cache/readiness-history-v1.json';
const REPO_URL = 'https://git.example.test/railiance/ops-hub/src/branch/main';

const evidence = (result: 'pass' | 'fail', observedAt: string) =>
  `  - requirement: restore-tested\n    result: ${result}\n    observedAt: ${observedAt}\n    summary: restore ${result}ed\n    source: { workplan: EX-WP-0003 }\n`;

/**
 * The minimal fixture with three commits on three days: the backup gate has
 * no evidence (day one), failing evidence (day two), passing evidence (day
 * four). The registry gate's endpoint evidence is observed on 2026-06-20, so
 * it is pending on all three days.
 */
async function threeDays(): Promise<{ root: string; shas: string[] }> {
  const root = await fixture();
  await gitInit(root);
  const shas = [await commitAll(root, 'day one', '2026-06-10T12:00:00Z')];
  await appendFile(path.join(root, GATE), `evidence:\n${evidence('fail', '2026-06-11T08:00:00Z')}`);
  shas.push(await commitAll(root, 'restore test failed', '2026-06-11T12:00:00Z'));
  await appendFile(path.join(root, GATE), evidence('pass', '2026-06-13T08:00:00Z'));
  shas.push(await commitAll(root, 'restore test passed', '2026-06-13T12:00:00Z'));
  return { root, shas };
}

/** A `git` first on the PATH that logs each invocation and runs the real one. */
async function countingGit(): Promise<{ calls: () => Promise<string[]>; restore: () => void }> {
  const bin = await mkdtemp(path.join(tmpdir(), 'ops-hub-git-'));
  const log = path.join(bin, 'calls.log');
  const real = (await import('node:child_process')).execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  await writeFile(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  await chmod(path.join(bin, 'git'), 0o755);
  const before = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${before}`;
  return {
    calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean),
    restore: () => {
      process.env.PATH = before;
    },
  };
}

const subcommand = (call: string) => call.split(' ').find((word, i, all) => i > 0 && all[i - 1] !== '-C' && word !== '-C' && !word.startsWith('-'));

describe('readiness over time', () => {
  let repo: { root: string; shas: string[] };
  beforeAll(async () => {
    repo = await threeDays();
  });

  it('has one step per day with a change, each from its day\'s last commit, counted at the end of that day', async () => {
    const { graph } = await open(repo.root);
    const steps = await readinessHistory(repo.root, graph);
    expect(steps.map((s) => s.day)).toEqual(['2026-06-10', '2026-06-11', '2026-06-13']);
    expect(steps.map((s) => s.commit?.sha)).toEqual(repo.shas);
    expect(steps.map((s) => s.commit?.subject)).toEqual(['day one', 'restore test failed', 'restore test passed']);
    expect(steps.map((s) => s.waves['old-to-new'])).toEqual([
      { passed: 0, failed: 0, stale: 0, pending: 2 },
      { passed: 0, failed: 1, stale: 0, pending: 1 },
      { passed: 1, failed: 0, stale: 0, pending: 1 },
    ]);
    expect(steps[0]!.at).toBe(Date.parse('2026-06-10T23:59:59.999Z'));
  });

  it('derives each day as the loader and graph do at that commit and time', async () => {
    const { graph } = await open(repo.root);
    for (const step of await readinessHistory(repo.root, graph)) {
      const at = await openInventory(await gitSource(repo.root, step.commit!.sha), { now: step.at });
      const counts = Object.fromEntries(at.graph.waveReadiness().map((w) => [w.wave.id, w.counts]));
      expect(step.waves).toEqual(counts);
    }
  });

  it('reads git in ONE log pass and one blob batch, and the next build from the cache by commit', async () => {
    await rm(path.join(repo.root, CACHE), { force: true });
    const counting = await countingGit();
    try {
      const steps = await readinessHistory(repo.root, (await open(repo.root)).graph);
      expect(steps).toHaveLength(3);
      expect((await counting.calls()).map(subcommand)).toEqual(['log', 'cat-file']);

      // A later build (another graph) evaluates nothing again: it reads each day from the cache, by commit and time.
      const cache = JSON.parse(await readFile(path.join(repo.root, CACHE), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(cache).sort()).toEqual(steps.map((s) => `${s.commit!.sha}@${s.at}`).sort());
      const key = `${repo.shas[0]}@${steps[0]!.at}`;
      cache[key] = { 'old-to-new': { passed: 7, failed: 0, stale: 0, pending: 0 } };
      await writeFile(path.join(repo.root, CACHE), JSON.stringify(cache));
      const again = await readinessHistory(repo.root, (await open(repo.root)).graph);
      expect(again[0]!.waves['old-to-new']!.passed).toBe(7);
      expect((await counting.calls()).map(subcommand)).toEqual(['log', 'cat-file', 'log']);
    } finally {
      counting.restore();
      await rm(path.join(repo.root, CACHE), { force: true });
    }
  });

  it('never reads a link in the history as a record, even one whose target text is a valid gate', async () => {
    const root = await fixture();
    await gitInit(root);
    await commitAll(root, 'day one', '2026-06-10T12:00:00Z');
    // Git stores a link as a blob of its target path; this target is YAML for a whole gate of the wave.
    const target = 'id: linked\ntitle: Linked\nowner: railiance-platform\npolicyScope: ops-backup-retention\nstatus: pending\nwave: old-to-new\nrequirement: r\n';
    await symlink(target, path.join(root, 'gates/linked.yaml'));
    await commitAll(root, 'a link', '2026-06-11T12:00:00Z');
    const { graph } = await open(root);
    const steps = await readinessHistory(root, graph);
    expect(steps.map((s) => s.waves['old-to-new'])).toEqual([
      { passed: 0, failed: 0, stale: 0, pending: 2 },
      { passed: 0, failed: 0, stale: 0, pending: 2 },
    ]);
  });

  it('shows the history up to the build\'s moment: later commits are left out', async () => {
    const { graph } = await open(repo.root, Date.parse('2026-06-12T00:00:00Z'));
    const steps = await readinessHistory(repo.root, graph);
    expect(steps.map((s) => s.day)).toEqual(['2026-06-10', '2026-06-11']);
  });

  it('evaluates at most the latest MAX_STEPS days', async () => {
    const root = await fixture();
    await gitInit(root);
    const gate = await readFile(path.join(root, GATE), 'utf8');
    const shas: string[] = [];
    for (let day = 1; day <= MAX_STEPS + 2; day++) {
      await writeFile(path.join(root, GATE), gate.replace('title: Backups proven', `title: Backups proven (${day})`));
      shas.push(await commitAll(root, `day ${day}`, new Date(Date.UTC(2026, 4, day, 9)).toISOString()));
    }
    const steps = await readinessHistory(root, (await open(root)).graph);
    expect(steps).toHaveLength(MAX_STEPS);
    expect(steps.map((s) => s.commit!.sha)).toEqual(shas.slice(-MAX_STEPS));
  }, 60_000);

  it('shows the current day only for a checkout without history', async () => {
    const root = await fixture();
    const { graph } = await open(root);
    const steps = await readinessHistory(root, graph);
    expect(steps).toEqual([{ day: '2026-07-01', at: NOW, waves: { 'old-to-new': graph.waveReadiness()[0]!.counts } }]);
    const chart = readinessChart(steps.map((s) => ({ day: s.day, counts: s.waves['old-to-new']! })), (sha) => `${REPO_URL}/${sha}`);
    expect(chart.columns).toHaveLength(1);
    expect(chart.columns[0]!.href).toBeUndefined();
    expect(chart.columns[0]!.label).toBe('2026-07-01 · current state: 1 passed, 0 failed, 0 stale, 1 pending');
  });

  it('draws the wave page\'s chart as static SVG: three steps, each linked to its commit', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'ops-hub-site-'));
    const r = await cli('build.ts', ['--root', repo.root, '--out', out, '--now', '2026-07-01T00:00:00Z', '--repo-url', REPO_URL]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const html = await readFile(path.join(out, 'migration-waves/old-to-new/index.html'), 'utf8');
    const figure = /<figure class="readiness-chart">[\s\S]*?<\/figure>/.exec(html)?.[0] ?? '';
    const links = [...figure.matchAll(/<a href="([^"]+)"><title>([^<]+)<\/title>/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual([
      [`https://git.example.test/railiance/ops-hub/commit/${repo.shas[0]}`, `2026-06-10 · ${repo.shas[0]!.slice(0, 8)} day one: 0 passed, 0 failed, 0 stale, 2 pending`],
      [`https://git.example.test/railiance/ops-hub/commit/${repo.shas[1]}`, `2026-06-11 · ${repo.shas[1]!.slice(0, 8)} restore test failed: 0 passed, 1 failed, 0 stale, 1 pending`],
      [`https://git.example.test/railiance/ops-hub/commit/${repo.shas[2]}`, `2026-06-13 · ${repo.shas[2]!.slice(0, 8)} restore test passed: 1 passed, 0 failed, 0 stale, 1 pending`],
    ]);
    // One filled area per status that occurs (no stale gate on any day), and no script on the page.
    expect([...figure.matchAll(/<path class="rc-(\w+)"/g)].map((m) => m[1])).toEqual(['passed', 'failed', 'pending']);
    expect(html).not.toMatch(/<script/i);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(30_000);
    expect(await git(repo.root, ['status', '--porcelain'])).toBe('');
  }, 180_000);
});
