import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInventory } from '../src/inventory.ts';
import { directorySource } from '../src/load/source.ts';
import { editorSettings, jsonSchemas } from '../src/model/json-schema.ts';
import { cli } from './helpers/cli.ts';
import { fixture, MINIMAL, REPO_ROOT } from './helpers/fixture.ts';

const NOW = ['--now', '2026-07-01T00:00:00Z', '--no-cache'];

describe('validate command', () => {
  it('exits 0 on a clean inventory', async () => {
    const r = await cli('validate.ts', ['--root', MINIMAL, ...NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('✔ 0 errors, 0 warnings, 0 notices in 16 records');
  });

  it('exits 1 with every problem as path:line:col, code, message and hint', async () => {
    const text = (await readFile(path.join(MINIMAL, 'inventory/services/git.yaml'), 'utf8')).replace('cluster: old-k3s', 'cluster: old-k3');
    const dir = await fixture({ 'inventory/services/git.yaml': text, 'inventory/hosts/old-server.yaml': 'id: [\n' });
    const r = await cli('validate.ts', ['--root', dir, ...NOW]);
    expect(r.code).toBe(1);
    const rel = path.relative(REPO_ROOT, dir);
    expect(r.stdout).toContain(`${rel}/inventory/services/git.yaml:8:1 error unknown-reference: cluster: no cluster has the id "old-k3"\n  hint: did you mean "old-k3s"?`);
    expect(r.stdout).toMatch(new RegExp(`${rel}/inventory/hosts/old-server.yaml:\\d+:\\d+ error yaml-syntax`));
  });

  it('prints GitHub/Gitea workflow annotations', async () => {
    const text = (await readFile(path.join(MINIMAL, 'inventory/services/git.yaml'), 'utf8')).replace('cluster: old-k3s', 'cluster: old-k3');
    const dir = await fixture({ 'inventory/services/git.yaml': text });
    const r = await cli('validate.ts', ['--root', dir, '--format', 'github', ...NOW]);
    const rel = path.relative(REPO_ROOT, dir);
    expect(r.stdout.split('\n')[0]).toBe(
      `::error file=${rel}/inventory/services/git.yaml,line=8,col=1,title=unknown-reference::cluster: no cluster has the id "old-k3"%0Ahint: did you mean "old-k3s"?`,
    );
  });

  it('prints JSON for machines', async () => {
    const r = await cli('validate.ts', ['--root', MINIMAL, '--format', 'json', ...NOW]);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, records: 16, counts: { error: 0, warning: 0, notice: 0 }, diagnostics: [] });
  });

  it('prints its usage on stdout and exits 0 for --help or -h, whatever else is given', async () => {
    for (const [script, args] of [['validate.ts', ['--help']], ['sync.ts', ['-h']], ['build.ts', ['--root', '/nonexistent', '--help']], ['diff.ts', ['--bogus', '--help']]] as const) {
      const r = await cli(script, [...args]);
      expect(r.code, `${script} ${args.join(' ')}`).toBe(0);
      expect(r.stdout).toMatch(/^usage: npm run /);
      expect(r.stderr).toBe('');
    }
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('validate.ts', ['--format', 'xml'])).code).toBe(2);
    expect((await cli('validate.ts', ['--bogus'])).code).toBe(2);
    expect((await cli('validate.ts', ['--now', 'yesterday'])).code).toBe(2);
  });

  it('gives the same result from its parse cache on a second run', async () => {
    const dir = await fixture();
    const args = ['--root', dir, '--format', 'json', '--now', '2026-07-21T00:00:00Z'];
    const first = await cli('validate.ts', args);
    const second = await cli('validate.ts', args);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    expect(JSON.parse(first.stdout).counts.warning).toBe(1);
  });
});

describe('build command', () => {
  it('refuses an inventory that fails validate, with the same diagnostics, and writes nothing', async () => {
    const text = (await readFile(path.join(MINIMAL, 'inventory/services/git.yaml'), 'utf8')).replace('cluster: old-k3s', 'cluster: old-k3');
    const dir = await fixture({ 'inventory/services/git.yaml': text });
    const out = path.join(dir, 'site-out');
    const r = await cli('build.ts', ['--root', dir, '--out', out, '--now', '2026-07-01T00:00:00Z']);
    expect(r.code).toBe(1);
    const rel = path.relative(REPO_ROOT, dir);
    expect(r.stderr).toContain(`${rel}/inventory/services/git.yaml:8:1 error unknown-reference: cluster: no cluster has the id "old-k3"\n  hint: did you mean "old-k3s"?`);
    expect(r.stderr).toContain('build: refused, the inventory does not validate');
    expect(existsSync(out)).toBe(false);
  });
});

describe('commands that refuse an inventory they cannot act on (openOrRefuse)', () => {
  const brokenReference = async () => (await readFile(path.join(MINIMAL, 'inventory/services/git.yaml'), 'utf8')).replace('cluster: old-k3s', 'cluster: old-k3');

  it('seeds: prints what blocks as validate does, then its refusal, and writes nothing', async () => {
    const dir = await fixture({ 'inventory/services/git.yaml': await brokenReference() });
    const r = await cli('seeds.ts', ['--root', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('inventory/services/git.yaml:8:1 error unknown-reference: cluster: no cluster has the id "old-k3"');
    expect(r.stderr).toMatch(/✖ 1 error, 0 warnings, 0 notices in \d+ records\nseeds: not written — fix the errors above first\n$/);
    expect(existsSync(path.join(dir, 'seeds/ops-hub-widgets.seed.json'))).toBe(false);
  });

  it('schema: tolerates errors in records, and refuses a manifest that does not validate, naming its errors', async () => {
    const records = await fixture({ 'inventory/services/git.yaml': await brokenReference() });
    const written = await cli('schema.ts', ['--root', records]);
    expect(written.code, written.stderr).toBe(0);
    expect(existsSync(path.join(records, '.vscode/settings.json'))).toBe(true);

    const manifest = await fixture({ 'seeds/ops-hub-manifest.draft.json': '{ "hub": 1 }\n' });
    const refused = await cli('schema.ts', ['--root', manifest]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('seeds/ops-hub-manifest.draft.json:1:3 error invalid-field: hub: Invalid input: expected object, received number');
    expect(refused.stderr).toContain('schema: the manifest does not validate; run `npm run validate` first');
    expect(existsSync(path.join(manifest, '.vscode/settings.json'))).toBe(false);
  });
});

describe('the repository', () => {
  it('validates clean', async () => {
    const opened = await openInventory(directorySource(REPO_ROOT), { now: Date.now() });
    expect(opened.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(opened.graph.size).toBeGreaterThan(30);
  });

  it('has committed JSON Schemas and editor settings that match the zod model', async () => {
    const { modelled } = await openInventory(directorySource(REPO_ROOT), { now: Date.now() });
    const files = jsonSchemas(modelled.vocabulary);
    const settings = JSON.parse(await readFile(path.join(REPO_ROOT, '.vscode/settings.json'), 'utf8'));
    files.set('.vscode/settings.json', editorSettings(settings));
    for (const [file, content] of files) {
      expect(await readFile(path.join(REPO_ROOT, file), 'utf8'), `${file} is stale: run npm run schema`).toBe(content);
    }
  });
});
