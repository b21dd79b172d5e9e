import { execFile } from 'node:child_process';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMermaid } from '../src/site/mermaid-svg.ts';
import { cli } from './helpers/cli.ts';
import { fixture, REPO_ROOT } from './helpers/fixture.ts';

const git = promisify(execFile);
const GOLDEN = path.join(REPO_ROOT, 'tests/golden/diff');
const NOW = ['--now', '2026-07-01T00:00:00Z'];

async function inRepo(dir: string, ...args: string[]): Promise<void> {
  await git('git', ['-C', dir, ...args]);
}

/** Compares with the golden file; UPDATE_GOLDEN=1 rewrites it (then review the Git diff). */
async function expectGolden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN']) {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(file, actual);
  }
  expect(actual).toBe(await readFile(file, 'utf8'));
}

/** The minimal fixture as a git repository with one commit on main, ignoring caches as the real repo does. */
async function committedFixture(): Promise<string> {
  const dir = await fixture();
  await writeFile(path.join(dir, '.gitignore'), '.cache/\n');
  await inRepo(dir, 'init', '-q', '-b', 'main');
  await inRepo(dir, 'config', 'user.email', 'test@example.invalid');
  await inRepo(dir, 'config', 'user.name', 'ops-hub test');
  await inRepo(dir, 'add', '-A');
  await inRepo(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

/**
 * A real repository: the minimal fixture committed as `base`, then one commit
 * `head` that adds, removes, changes and renames records, fails a gate, and
 * introduces a validation error.
 */
async function reviewRepo(): Promise<string> {
  const dir = await committedFixture();
  await inRepo(dir, 'tag', 'base');

  const file = (p: string) => path.join(dir, p);
  await writeFile(
    file('inventory/hosts/new-server.yaml'),
    'id: new-server\ntitle: New server\nowner: railiance-infra\npolicyScope: ops-threephoenix\nstatus: planned\nenvironment: prod-new\n',
  );
  await rm(file('inventory/releases/git-1-22.yaml'));
  await rm(file('inventory/backup-sets/git-db-nightly.yaml'));
  const git = await readFile(file('inventory/services/git.yaml'), 'utf8');
  await writeFile(file('inventory/services/git.yaml'), git.replace('status: active', 'status: degraded').replace('category: application', 'category: application\nnamespace: git-hosting'));
  const host = await readFile(file('inventory/hosts/old-server.yaml'), 'utf8');
  await writeFile(file('inventory/hosts/old-server.yaml'), host.replace('environment: prod-old', 'environment: prod-new'));
  const risk = await readFile(file('inventory/risks/git-no-backup.yaml'), 'utf8');
  await rm(file('inventory/risks/git-no-backup.yaml'));
  await writeFile(file('inventory/risks/git-backups-missing.yaml'), risk.replace('id: git-no-backup', 'id: git-backups-missing'));
  await appendFile(
    file('inventory/endpoints/registry-v2.yaml'),
    '  - result: fail\n    observedAt: 2026-06-28T08:00:00Z\n    summary: answered 404 after the ingress change\n    source: { workplan: EX-WP-0002 }\n',
  );
  await writeFile(
    file('inventory/endpoints/git-web.yaml'),
    'id: git-web\ntitle: Git web UI\nowner: railiance-apps\npolicyScope: ops-registry\nstatus: active\nservice: gti\nurl: https://git.example.test/\nexpect:\n  status: 200\n',
  );
  await inRepo(dir, 'add', '-A');
  await inRepo(dir, 'commit', '-q', '-m', 'head');
  await inRepo(dir, 'tag', 'head');
  return dir;
}

describe('npm run diff', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await reviewRepo();
  });

  it('writes the review of a change as Markdown (golden), exit 1 because the head fails validation', async () => {
    const r = await cli('diff.ts', ['--base', 'base', '--head', 'head', ...NOW], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    await expectGolden('review.md', r.stdout);
    // What reviewers care about most comes first.
    expect(r.stdout.indexOf('### Gate transitions')).toBeLessThan(r.stdout.indexOf('### Changed records'));
    expect(r.stdout).toContain('| `registry-ready` Registry reproducible | ✔ passed | ✖ failed |');
    expect(r.stdout).toContain('1/2 gates passed → 0/2 gates passed');
    expect(r.stdout).toContain('`git-backups-missing` (risk) — renamed from `git-no-backup`');
  });

  it('gives the same content as JSON (golden)', async () => {
    const r = await cli('diff.ts', ['--base', 'base', '--head', 'head', '--format', 'json', ...NOW], { cwd: repo });
    expect(r.code).toBe(1);
    await expectGolden('review.json', r.stdout);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toMatchObject({ added: 2, removed: 2, changed: 3, renamed: 1, moved: 0, gateTransitions: 1, newErrors: 1 });
    const git = json.records.find((x: { id: string }) => x.id === 'git');
    expect(git.fields).toEqual([{ path: 'status', before: 'active', after: 'degraded' }, { path: 'namespace', after: 'git-hosting' }]);
    const host = json.records.find((x: { id: string }) => x.id === 'old-server');
    expect(host.fields).toEqual([{ path: 'environment', before: 'prod-old', after: 'prod-new' }]);
    expect(host.relations).toEqual({ gained: [{ field: 'environment', to: 'prod-new' }], lost: [{ field: 'environment', to: 'prod-old' }] });
    // What a new record holds, and what a removed one held, is part of the review.
    const added = json.records.find((x: { id: string }) => x.id === 'new-server');
    expect(added.fields).toEqual(expect.arrayContaining([{ path: 'title', after: 'New server' }, { path: 'environment', after: 'prod-new' }]));
    const removed = json.records.find((x: { id: string }) => x.id === 'git-1-22');
    expect(removed.fields.length).toBeGreaterThan(2);
    expect(removed.fields.every((f: { before?: unknown; after?: unknown }) => 'before' in f && !('after' in f))).toBe(true);
    expect(json.validation.newErrors.map((d: { code: string }) => d.code)).toEqual(['unknown-reference']);
  });

  it('draws the changed neighbourhood in mermaid that parses, added, removed and changed nodes styled apart', async () => {
    const r = await cli('diff.ts', ['--base', 'base', '--head', 'head', '--format', 'json', ...NOW], { cwd: repo });
    const diagram: string = JSON.parse(r.stdout).diagram;
    expect(diagram).toMatch(/class \S+ added/);
    expect(diagram).toMatch(/class \S+ removed/);
    expect(diagram).toMatch(/class \S+ changed/);
    expect(diagram).toContain('host: New server');
    expect(diagram).toContain('backup-set: ');
    const svg = await renderMermaid(new Map([['diff', diagram]]));
    expect(svg.get('diff')).toContain('New server');
  });

  it('compares with the working tree by default, leaving it untouched, and exits 0 on a valid head', async () => {
    await inRepo(repo, 'checkout', '-q', 'base');
    const env = path.join(repo, 'inventory/environments/prod-new.yaml');
    const before = await readFile(env, 'utf8');
    await writeFile(env, before.replace(/title: .*/, 'title: ThreePhoenix'));
    const r = await cli('diff.ts', ['--base', 'base', ...NOW], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## Inventory diff: `base` → working tree');
    expect(r.stdout).toContain('**0 added, 0 removed, 1 changed · 0 gates changed status · 0 new validation errors**');
    expect(r.stdout).toMatch(/\| `title` \| .* \| ThreePhoenix \|/);
    const { stdout } = await git('git', ['-C', repo, 'status', '--porcelain']);
    expect(stdout.trim()).toBe('M inventory/environments/prod-new.yaml');
    await inRepo(repo, 'checkout', '-q', '--', '.');
  });

  it('recognises a record that moved to another kind', async () => {
    await inRepo(repo, 'checkout', '-q', 'base');
    await rename(path.join(repo, 'inventory/runbooks/restore-git.md'), path.join(repo, 'inventory/incidents/restore-git.md'));
    await writeFile(
      path.join(repo, 'inventory/incidents/restore-git.md'),
      '---\nid: restore-git\ntitle: Restore Git hosting\nowner: railiance-platform\npolicyScope: ops-backup-retention\nstatus: resolved\nservices: [git]\nseverity: low\nstartedAt: 2026-06-01\n---\nRestored once.\n',
    );
    const r = await cli('diff.ts', ['--base', 'base', '--format', 'json', ...NOW], { cwd: repo });
    const moved = JSON.parse(r.stdout).records.find((x: { id: string }) => x.id === 'restore-git');
    expect(moved).toMatchObject({ status: 'moved', kind: 'incident', before: { kind: 'runbook', file: 'inventory/runbooks/restore-git.md' } });
    await inRepo(repo, 'checkout', '-q', '--', '.');
    await inRepo(repo, 'clean', '-qfd');
  });

  it('says clearly when a ref does not exist (exit 2)', async () => {
    const r = await cli('diff.ts', ['--base', 'no-such-branch'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"no-such-branch" is not a commit in this repository');
  });

  it('keeps big changes readable: records beyond the cap are counted, not listed', async () => {
    const dir = await committedFixture();
    for (let i = 0; i < 60; i++) {
      await writeFile(
        path.join(dir, `inventory/hosts/h-${String(i).padStart(2, '0')}.yaml`),
        `id: h-${String(i).padStart(2, '0')}\ntitle: Host ${i}\nowner: railiance-infra\npolicyScope: ops-threephoenix\nstatus: planned\nenvironment: prod-new\n`,
      );
    }
    const r = await cli('diff.ts', ['--base', 'main', ...NOW], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### Changed records (60)');
    expect(r.stdout).toContain('… and 10 more records');
    expect(r.stdout.match(/<summary>`h-/g)).toHaveLength(50);
  });
});
