import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codes, fixture, MINIMAL, open, openWith } from './helpers/fixture.ts';

const read = (file: string) => readFile(path.join(MINIMAL, file), 'utf8');

describe('validate: the minimal fixture', () => {
  it('is clean', async () => {
    const opened = await open(MINIMAL);
    expect(opened.diagnostics).toEqual([]);
    expect(opened.graph.size).toBe(16);
  });
});

describe('validate: every check has a fixture that fails it', () => {
  it('yaml-syntax: points at the broken line', async () => {
    const opened = await openWith({ 'inventory/hosts/old-server.yaml': 'id: old-server\ntitle: [unclosed\nstatus: active\n' });
    const d = opened.diagnostics.find((x) => x.code === 'yaml-syntax');
    expect(d).toMatchObject({ file: 'inventory/hosts/old-server.yaml', severity: 'error' });
    expect(d!.line).toBeGreaterThanOrEqual(2);
  });

  it('yaml-syntax: duplicate keys', async () => {
    const text = (await read('inventory/hosts/old-server.yaml')) + 'title: again\n';
    const opened = await openWith({ 'inventory/hosts/old-server.yaml': text });
    expect(opened.diagnostics.find((x) => x.code === 'yaml-syntax')?.line).toBe(8);
  });

  it('unknown-field: a typo is an error at its line, with a did-you-mean', async () => {
    const text = (await read('inventory/services/git.yaml')).replace('datastores:', 'datastore:');
    const opened = await openWith({ 'inventory/services/git.yaml': text });
    const d = opened.diagnostics.find((x) => x.code === 'unknown-field')!;
    expect(d).toMatchObject({ file: 'inventory/services/git.yaml', line: 11, col: 1 });
    expect(d.hint).toBe('did you mean "datastores"?');
  });

  it('missing-field and invalid-field', async () => {
    const text = (await read('inventory/hosts/old-server.yaml')).replace('title: Old server\n', '').replace('192.0.2.10', '999.1.1.1');
    const opened = await openWith({ 'inventory/hosts/old-server.yaml': text });
    expect(codes(opened)).toEqual(expect.arrayContaining(['missing-field', 'invalid-field']));
    expect(opened.diagnostics.find((d) => d.code === 'invalid-field')!.line).toBe(6);
  });

  it('invalid-field: a status outside the kind’s statuses, with did-you-mean', async () => {
    const text = (await read('inventory/hosts/old-server.yaml')).replace('status: active', 'status: activ');
    const d = (await openWith({ 'inventory/hosts/old-server.yaml': text })).diagnostics[0]!;
    expect(d).toMatchObject({ code: 'invalid-field', line: 5 });
    expect(d.hint).toBe('did you mean "active"?');
  });

  it('id-mismatch: file name vs id', async () => {
    const text = (await read('inventory/hosts/old-server.yaml')).replace('id: old-server', 'id: old-srv');
    const opened = await openWith({ 'inventory/hosts/old-server.yaml': text });
    expect(codes(opened)).toContain('id-mismatch');
  });

  it('duplicate-id: the same id in two kinds', async () => {
    const env = (await read('inventory/environments/prod-new.yaml')).replace('id: prod-new', 'id: git');
    const opened = await openWith({ 'inventory/environments/git.yaml': env });
    const d = opened.diagnostics.find((x) => x.code === 'duplicate-id')!;
    expect(d.message).toContain('already used by');
  });

  it('unknown-reference: a dangling id with "did you mean"', async () => {
    const text = (await read('inventory/services/git.yaml')).replace('datastores: [git-db]', 'datastores: [git-dbb]');
    const d = (await openWith({ 'inventory/services/git.yaml': text })).diagnostics.find((x) => x.code === 'unknown-reference')!;
    expect(d).toMatchObject({ line: 11, severity: 'error' });
    expect(d.hint).toBe('did you mean "git-db"?');
  });

  it('wrong-kind-reference: a host where a cluster belongs', async () => {
    const text = (await read('inventory/services/git.yaml')).replace('cluster: old-k3s', 'cluster: old-server');
    const d = (await openWith({ 'inventory/services/git.yaml': text })).diagnostics.find((x) => x.code === 'wrong-kind-reference')!;
    expect(d.message).toContain('"old-server" is a host');
    expect(d.line).toBe(8);
  });

  it('no cascade: a reference to a record that is itself invalid is not reported twice', async () => {
    const text = (await read('inventory/services/git-db.yaml')).replace('category: datastore', 'category: nope');
    const opened = await openWith({ 'inventory/services/git-db.yaml': text });
    expect(codes(opened)).toEqual(['invalid-field']);
  });

  it('unknown-policy-scope, unknown-owner, unknown-annotation-category against the manifest', async () => {
    const risk = (await read('inventory/risks/git-no-backup.yaml'))
      .replace('policyScope: ops-backup-retention', 'policyScope: ops-backup-retension')
      .replace('owner: railiance-apps', 'owner: railiance-app')
      .replace('category: ops-backup-gap', 'category: ops-backups-gap');
    const opened = await openWith({ 'inventory/risks/git-no-backup.yaml': risk });
    const byCode = Object.fromEntries(opened.diagnostics.map((d) => [d.code, d]));
    expect(byCode['unknown-policy-scope']!.hint).toBe('did you mean "ops-backup-retention"?');
    expect(byCode['unknown-owner']!.hint).toBe('did you mean "railiance-apps"?');
    expect(byCode['unknown-annotation-category']!.hint).toBe('did you mean "ops-backup-gap"?');
  });

  it('undeclared-widget-type / -event-type / -annotation-category: the manifest must declare what kinds, sync and coverage use', async () => {
    const manifest = JSON.parse(await read('seeds/ops-hub-manifest.draft.json'));
    manifest.declaredWidgetTypes = manifest.declaredWidgetTypes.filter((t: string) => t !== 'ops-risk');
    manifest.declaredEventTypes = manifest.declaredEventTypes.filter((t: string) => t !== 'ops-endpoint-verified');
    manifest.declaredAnnotationCategories = manifest.declaredAnnotationCategories.filter((t: string) => t !== 'ops-readiness-blocker');
    const opened = await openWith({ 'seeds/ops-hub-manifest.draft.json': JSON.stringify(manifest, null, 2) });
    expect(codes(opened)).toEqual(expect.arrayContaining(['undeclared-widget-type', 'undeclared-event-type', 'undeclared-annotation-category']));
    expect(opened.diagnostics.every((d) => d.file === 'seeds/ops-hub-manifest.draft.json')).toBe(true);
  });

  it('seed-stale: a manifest that is not what npm run seeds writes', async () => {
    const manifest = JSON.parse(await read('seeds/ops-hub-manifest.draft.json'));
    const opened = await openWith({ 'seeds/ops-hub-manifest.draft.json': JSON.stringify(manifest) });
    expect(opened.diagnostics.map((d) => [d.code, d.file])).toEqual([['seed-stale', 'seeds/ops-hub-manifest.draft.json']]);
  });

  it('missing-file: no manifest', async () => {
    const opened = await openWith({ 'seeds/ops-hub-manifest.draft.json': null });
    expect(codes(opened)).toContain('missing-file');
  });

  it('unexpected-file: wrong extension or sub-folder', async () => {
    const host = await read('inventory/hosts/old-server.yaml');
    const opened = await openWith({ 'inventory/hosts/other.yml': host, 'inventory/hosts/nested/x.yaml': host, 'inventory/hosts/.DS_Store': 'x' });
    expect(codes(opened).filter((c) => c === 'unexpected-file')).toHaveLength(2);
  });

  it('dependency-cycle: a service depending on itself through others, reported once', async () => {
    const db = (await read('inventory/services/git-db.yaml')) + 'dependsOn: [registry]\n';
    const opened = await openWith({ 'inventory/services/git-db.yaml': db });
    const cycles = opened.diagnostics.filter((d) => d.code === 'dependency-cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.message).toMatch(/git → git-db → registry → git|git-db → registry → git → git-db|registry → git → git-db → registry/);
  });

  it('backup-gap-unrecorded: a persistent store without backup set or gap risk', async () => {
    const opened = await openWith({ 'inventory/risks/git-no-backup.yaml': null });
    const d = opened.diagnostics.find((x) => x.code === 'backup-gap-unrecorded')!;
    expect(d).toMatchObject({ file: 'inventory/services/git.yaml', severity: 'warning' });
  });

  it('backup-of-non-persistent', async () => {
    const text = (await read('inventory/services/git-db.yaml')).replace('persistent: true\n', '');
    expect(codes(await openWith({ 'inventory/services/git-db.yaml': text }))).toContain('backup-of-non-persistent');
  });

  it('wave-same-environment', async () => {
    const text = (await read('inventory/migration-waves/old-to-new.yaml')).replace('to: prod-new', 'to: prod-old');
    expect(codes(await openWith({ 'inventory/migration-waves/old-to-new.yaml': text }))).toContain('wave-same-environment');
  });

  it('environment-mismatch: a service on a cluster of another environment', async () => {
    const text = (await read('inventory/services/registry.yaml')).replace('environment: prod-old', 'environment: prod-new');
    expect(codes(await openWith({ 'inventory/services/registry.yaml': text }))).toContain('environment-mismatch');
  });

  it('reports every problem in one run, sorted by file and line', async () => {
    const git = (await read('inventory/services/git.yaml')).replace('datastores: [git-db]', 'datastores: [nope]').replace('category: application', 'category: app');
    const host = (await read('inventory/hosts/old-server.yaml')).replace('environment: prod-old', 'environment: prod-olde');
    const dir = await fixture({ 'inventory/services/git.yaml': git, 'inventory/hosts/old-server.yaml': host });
    const opened = await open(dir);
    // The invalid service drops out of the graph, so only its schema error is reported for it.
    expect(opened.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([
      'inventory/hosts/old-server.yaml:6 unknown-reference',
      'inventory/services/git.yaml:9 invalid-field',
    ]);
  });
});

describe('validate: files that are not records', () => {
  it('not-a-record: an empty file or a list', async () => {
    const opened = await openWith({ 'inventory/hosts/empty.yaml': '', 'inventory/hosts/list.yaml': '- a\n- b\n' });
    expect(opened.diagnostics.filter((d) => d.code === 'not-a-record').map((d) => d.file)).toEqual([
      'inventory/hosts/empty.yaml',
      'inventory/hosts/list.yaml',
    ]);
  });

  it('a Markdown record without front matter', async () => {
    const opened = await openWith({ 'inventory/runbooks/restore-git.md': '# Restore\n' });
    expect(opened.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', line: 1 });
    expect(opened.diagnostics[0]!.message).toContain('front matter');
  });

  it('a syntax error does not cascade into dangling references to that record', async () => {
    const opened = await openWith({ 'inventory/hosts/old-server.yaml': 'id: [\n' });
    expect(codes(opened)).toEqual(['yaml-syntax']);
  });
});

describe("validate: a broken registry or record reports its own errors only", () => {
  const lines = (opened: Awaited<ReturnType<typeof open>>) => opened.diagnostics.map((d) => `${d.file} ${d.severity} ${d.code}`);

  it('an owners registry that does not parse or validate: its error and one notice, no unknown-owner on any record', async () => {
    const owners = await read('inventory/owners.yaml');
    const notice = 'inventory/owners.yaml notice vocabulary-unchecked';
    const syntax = await openWith({ 'inventory/owners.yaml': owners.replace('title: Cluster', 'title: [Cluster') });
    expect(lines(syntax)).toEqual([notice, 'inventory/owners.yaml error yaml-syntax']);
    expect(syntax.diagnostics[0]!.message).toBe("no record's owner was checked: inventory/owners.yaml did not load (its own error says why)");
    expect(syntax.graph.size).toBe(16);
    const schema = await openWith({ 'inventory/owners.yaml': owners.replace('layer: S2', 'layer: S9') });
    expect(lines(schema)).toEqual([notice, 'inventory/owners.yaml error invalid-field']);
  });

  it('a manifest that does not parse or validate: its errors and one notice, no unknown-policy-scope or -annotation-category', async () => {
    const text = await read('seeds/ops-hub-manifest.draft.json');
    const notice = 'seeds/ops-hub-manifest.draft.json notice vocabulary-unchecked';
    const syntax = await openWith({ 'seeds/ops-hub-manifest.draft.json': text.replace('"declaredPolicyScopes":', '"declaredPolicyScopes" [') });
    expect(lines(syntax).filter((l) => !l.endsWith('error yaml-syntax'))).toEqual([notice]);
    expect(syntax.errors).toBeGreaterThan(0);
    const manifest = JSON.parse(text);
    delete manifest.declaredPolicyScopes;
    const schema = await openWith({ 'seeds/ops-hub-manifest.draft.json': JSON.stringify(manifest, null, 2) });
    expect(lines(schema)).toEqual(['seeds/ops-hub-manifest.draft.json error missing-field', notice]);
    expect(schema.diagnostics[1]!.message).toBe("no record's policyScope (and a risk's category) was checked: seeds/ops-hub-manifest.draft.json did not load (its own error says why)");
  });

  it('a record still checks its owner when the registry loads, even an empty one', async () => {
    const opened = await openWith({ 'inventory/owners.yaml': '[]\n' });
    expect(new Set(codes(opened))).toEqual(new Set(['unknown-owner']));
  });

  it('an endpoint that does not parse: its error, and a notice instead of the status check of the gate counting it', async () => {
    const opened = await openWith({ 'inventory/endpoints/registry-v2.yaml': 'id: [\n' });
    expect(lines(opened)).toEqual(['gates/registry-ready.yaml notice gate-status-unchecked', 'inventory/endpoints/registry-v2.yaml error yaml-syntax']);
    expect(opened.diagnostics[0]!.message).toBe(
      'the stated status was not compared with the evidence: the gate counts evidence of registry-v2 (inventory/endpoints/registry-v2.yaml), which did not load',
    );
  });

  it('a backup set that does not parse: its error, and notices for the store-linked gate and the store it may cover', async () => {
    const gate = (await read('gates/backups-proven.yaml')).replace('    maxAge: P90D\n', '    maxAge: P90D\n    store: git-db\n').replace('status: pending', 'status: passed');
    const opened = await openWith({ 'gates/backups-proven.yaml': gate, 'inventory/backup-sets/git-db-nightly.yaml': 'id: [\n' });
    expect(lines(opened)).toEqual([
      'gates/backups-proven.yaml notice gate-status-unchecked',
      'inventory/backup-sets/git-db-nightly.yaml error yaml-syntax',
      'inventory/services/git-db.yaml notice backup-gap-unchecked',
    ]);
  });
});

describe('the synthetic inventory used by the benchmarks', () => {
  it('is valid at every size, with relations and derived facts', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { writeSyntheticInventory } = await import('../scripts/bench/synthetic.ts');
    const { REPO_ROOT } = await import('./helpers/fixture.ts');
    for (const size of [100, 1000]) {
      const dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-syn-'));
      expect(await writeSyntheticInventory(dir, size, REPO_ROOT)).toBe(size);
      const opened = await open(dir, Date.parse('2026-06-10T00:00:00Z'));
      expect(opened.diagnostics).toEqual([]);
      expect(opened.graph.size).toBe(size);
      expect(opened.graph.waveReadiness()[0]!.gates.length).toBeGreaterThan(0);
      expect(opened.graph.backupCoverage().every((c) => c.backupSets.length > 0)).toBe(true);
    }
  });
});
