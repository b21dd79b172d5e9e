import { chmod, cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiscoverReport } from '../src/discover/report.ts';
import { desiredWidgets } from '../src/seeds/desired-widgets.ts';
import { cli } from './helpers/cli.ts';
import { fixture, MINIMAL, open } from './helpers/fixture.ts';

const K8S = path.resolve(import.meta.dirname, 'fixtures/k8s');
const NOW_ISO = '2026-07-01T00:00:00Z';
const FULL = ['workloads.json', 'cert-manager.json', 'cnpg.json'].flatMap((f) => ['--snapshot', path.join(K8S, f)]);
const CLEAN = ['--snapshot', path.join(K8S, 'clean.json')];
/** The recognisable value the fixture's Secret and ConfigMap hold. */
const CANARY = 'ops-hub-canary-Zq7vK2pW9xR4';

const discover = (dir: string, ...args: string[]) => cli('discover.ts', ['--root', dir, '--cluster', 'old-k3s', '--now', NOW_ISO, ...args]);
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as DiscoverReport;
const registryWithK8s = async () => `${await readFile(path.join(MINIMAL, 'inventory/services/registry.yaml'), 'utf8')}k8s: { namespace: forge, kind: StatefulSet, name: registry }\n`;
/** The backup set without the evidence a person wrote, so discover may keep it. */
const BACKUP_SET = 'id: git-db-nightly\ntitle: Git database nightly dump\nowner: railiance-platform\npolicyScope: ops-backup-retention\nstatus: active\nservice: git-db\nschedule: daily 02:00 UTC\nretention: 14 days\n';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/** Each test runs whole processes, as users do; on a busy machine that takes a while. */
const PROCESSES = { timeout: 180_000 };

describe('npm run discover', PROCESSES, () => {
  it('reports drift without writing, exit 1; the JSON report has a stable shape', async () => {
    const dir = await fixture();
    const before = await readFile(path.join(dir, 'inventory/endpoints/registry-v2.yaml'), 'utf8');
    const r = await discover(dir, ...FULL, '--report', path.join(dir, 'report.json'));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('33 objects read from');
    expect(r.stdout).toContain('ignored, never read: 1 v1 Secret, 1 v1 ConfigMap, 1 apps/v1 ReplicaSet, 1 traefik.io/v1alpha1 IngressRoute');
    expect(r.stdout).toContain('✖ service-missing registry: service registry is active on old-k3s');
    expect(r.stdout).toContain('Evidence that would change (run with --write to record it):');
    expect(r.stdout).toContain('+    source: { probe: discover }');
    expect(r.stdout).toContain('-schedule: daily 02:00 UTC');
    expect(r.stdout).toContain('registry-ready: passed');
    expect(r.stdout).toMatch(/✖ 14 findings of drift on old-k3s: 1 service-missing, 3 workload-discovered, .*, 1 backup-overdue\n$/);
    expect(await readFile(path.join(dir, 'inventory/endpoints/registry-v2.yaml'), 'utf8')).toBe(before);

    const report = await readJson(path.join(dir, 'report.json'));
    expect(Object.keys(report)).toEqual(['version', 'cluster', 'observedAt', 'ok', 'written', 'snapshot', 'counts', 'findings', 'evidence', 'skipped', 'gates', 'notices']);
    expect(report).toMatchObject({
      version: 1,
      cluster: 'old-k3s',
      observedAt: NOW_ISO,
      ok: false,
      written: false,
      counts: { findings: 14, evidence: 2, skipped: 1, drafts: 0, byCode: { 'workload-discovered': 3, 'ingress-host-unrecorded': 3 } },
      evidence: [
        { file: 'inventory/endpoints/registry-v2.yaml', recordId: 'registry-v2', field: 'evidence', action: 'add', result: 'pass' },
        { file: 'inventory/backup-sets/git-db-nightly.yaml', recordId: 'git-db-nightly', field: 'schedule', action: 'replace', summary: '0 0 2 * * *' },
      ],
      gates: [{ id: 'registry-ready', effective: 'passed' }],
    });
    expect(report.findings[0]).toEqual({
      code: 'service-missing',
      key: 'service-missing:old-k3s:registry',
      message: 'service registry is active on old-k3s, but the snapshot has no Deployment, StatefulSet, DaemonSet or CloudNativePG Cluster named registry',
      hint: expect.any(String),
      recordId: 'registry',
      file: 'inventory/services/registry.yaml',
    });
    expect(report.findings.find((f) => f.code === 'workload-discovered')).toMatchObject({
      recordId: 'old-k3s',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'forge', name: 'unknown-api' },
    });
  });

  it('exits 0 when the cluster and the inventory agree', async () => {
    const dir = await fixture({ 'inventory/services/registry.yaml': await registryWithK8s() });
    const r = await discover(dir, ...CLEAN);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✔ no drift between old-k3s and the inventory');
  });

  it('--write records certificate and backup evidence under the refresh rule, and the gate follows', async () => {
    const dir = await fixture({ 'inventory/backup-sets/git-db-nightly.yaml': BACKUP_SET });
    const r = await discover(dir, ...FULL, '--write');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('Evidence recorded:');
    expect(r.stdout).not.toContain('@@ line');
    const set = await readFile(path.join(dir, 'inventory/backup-sets/git-db-nightly.yaml'), 'utf8');
    expect(set).toBe(
      `${BACKUP_SET.replace('daily 02:00 UTC', '0 0 2 * * *')}lastVerifiedBackup:
  result: fail
  observedAt: 2026-06-30T02:00:31Z
  maxAge: P7D
  summary: 'CloudNativePG backup databases/git-db-daily-20260630020000 failed: barman-cloud-backup: upload to https://minio.databases.svc:9000/ops-backups/git-db failed: AccessDenied: Access Denied'
  source: { probe: discover }
  observed:
    cluster: old-k3s
    database: databases/git-db
    backup: databases/git-db-daily-20260630020000
    phase: failed
    method: barmanObjectStore
    startedAt: 2026-06-30T02:00:02Z
    stoppedAt: 2026-06-30T02:00:31Z
    error: 'barman-cloud-backup: upload to https://minio.databases.svc:9000/ops-backups/git-db failed: AccessDenied: Access Denied'
`,
    );
    const first = await open(dir);
    expect(first.errors).toBe(0);
    expect(first.graph.gateStatus('registry-ready')!.effective).toBe('passed');
    expect(first.graph.backupCoverage().find((c) => c.store.id === 'git-db')!.gaps).toContain('backup-failing');

    // A later snapshot: the newest backup completed. Each discover item is replaced in place; the people's evidence stays.
    const again = await cli('discover.ts', ['--root', dir, '--cluster', 'old-k3s', '--now', '2026-07-01T06:00:00Z', ...CLEAN, '--write']);
    expect(again.stderr).toBe('');
    const { graph } = await open(dir, Date.parse('2026-07-01T06:00:00Z'));
    const endpoint = graph.get('registry-v2')!.data as { evidence: Array<{ observedAt: string; source: Record<string, string> }> };
    expect(endpoint.evidence.map((e) => [e.observedAt, e.source])).toEqual([
      ['2026-06-20T08:00:00Z', { workplan: 'EX-WP-0001' }],
      ['2026-07-01T06:00:00Z', { probe: 'discover' }],
    ]);
    expect((graph.get('git-db-nightly')!.data as { lastVerifiedBackup: unknown }).lastVerifiedBackup).toMatchObject({
      result: 'pass',
      observedAt: '2026-06-30T02:11:12Z',
      summary: 'CloudNativePG backup databases/git-db-daily-20260630020000 completed (barmanObjectStore)',
    });
    expect(graph.backupCoverage().find((c) => c.store.id === 'git-db')!.gaps).not.toContain('backup-failing');
    // The same snapshot once more: the backup evidence is already current, only the certificate is observed anew.
    const third = await cli('discover.ts', ['--root', dir, '--cluster', 'old-k3s', '--now', '2026-07-01T07:00:00Z', ...CLEAN, '--format', 'json']);
    expect((JSON.parse(third.stdout) as DiscoverReport).evidence.map((e) => [e.recordId, e.field, e.action])).toEqual([['registry-v2', 'evidence', 'replace']]);
  });

  it('--write gives a backup set its backup; a gate requirement linked to the store follows', async () => {
    const gate = (await readFile(path.join(MINIMAL, 'gates/backups-proven.yaml'), 'utf8')).replace('    maxAge: P90D\n', '    maxAge: P90D\n    store: git-db\n');
    const restored = `${BACKUP_SET}lastRestoreTest: { result: pass, observedAt: 2026-06-15, summary: restored into scratch, source: { workplan: EX-WP-0004 } }\n`;
    const dir = await fixture({ 'inventory/backup-sets/git-db-nightly.yaml': restored, 'gates/backups-proven.yaml': gate });
    expect((await open(dir)).graph.gateStatus('backups-proven')!.effective).toBe('pending');

    const r = await cli('discover.ts', ['--root', dir, '--cluster', 'old-k3s', '--now', '2026-07-01T06:00:00Z', ...CLEAN, '--write', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as DiscoverReport;
    expect(report.evidence).toContainEqual(expect.objectContaining({ recordId: 'git-db-nightly', field: 'lastVerifiedBackup', result: 'pass' }));
    expect(report.gates).toContainEqual({ id: 'backups-proven', effective: 'passed', reason: 'all 1 requirement(s) have fresh passing evidence' });
    const status = (await open(dir, Date.parse('2026-07-01T06:00:00Z'))).graph.gateStatus('backups-proven')!;
    // The discovered backup expires first (P7D), so it is the evidence shown, in its backup set.
    expect(status.requirements[0]).toMatchObject({ state: 'met', latest: { recordId: 'git-db-nightly', evidence: { source: { probe: 'discover' } } } });
  });

  it('--suggest drafts records that validate once copied in, and the drift they cover goes', async () => {
    const dir = await fixture();
    const drafts = await mkdtemp(path.join(tmpdir(), 'ops-hub-drafts-'));
    const r = await discover(dir, ...FULL, '--suggest', drafts, '--report', path.join(drafts, '..', `${path.basename(drafts)}.json`));
    expect(r.code, r.stderr).toBe(1);
    expect(await filesUnder(drafts)).toEqual([
      'inventory/backup-sets/metrics-pg-backups.yaml',
      'inventory/endpoints/api-example-test.yaml',
      'inventory/endpoints/git-example-test.yaml',
      'inventory/services/clickhouse.yaml',
      'inventory/services/metrics-pg.yaml',
      'inventory/services/unknown-api.yaml',
    ]);
    expect(r.stdout).toContain('not drafted: dash.example.test: no workload behind Ingress analytics/dashboards');
    expect(await readFile(path.join(drafts, 'inventory/endpoints/api-example-test.yaml'), 'utf8')).toBe(
      [
        '# Drafted by `npm run discover` from host api.example.test of Ingress forge/forge on cluster old-k3s.',
        "# To confirm: owner and policyScope (its service's), expect.status (what it should answer is not in the cluster).",
        'id: api-example-test',
        'title: api.example.test',
        'service: unknown-api',
        'url: http://api.example.test/',
        'expect: { status: 200 }',
        'k8s: { namespace: forge, kind: Ingress, name: forge }',
        'owner: railiance-cluster',
        'policyScope: ops-transitional-prod',
        'status: draft',
        '',
      ].join('\n'),
    );
    expect(await readFile(path.join(drafts, 'inventory/backup-sets/metrics-pg-backups.yaml'), 'utf8')).toContain('method: barmanObjectStore\nretention: 30d\n');

    await cp(drafts, dir, { recursive: true });
    const validate = await cli('validate.ts', ['--root', dir, '--now', NOW_ISO, '--no-cache']);
    expect(validate.code, validate.stdout).toBe(0);
    // Until reviewed, a drafted record is a draft widget; a runbook in draft (being written) is in use.
    const widgets = desiredWidgets((await open(dir)).graph);
    const status = (id: string) => widgets.find((w) => w.recordId === id)?.status;
    expect(['clickhouse', 'metrics-pg', 'unknown-api', 'api-example-test', 'git-example-test', 'metrics-pg-backups'].map(status)).toEqual(Array(6).fill('draft'));
    expect([status('git'), status('restore-git')]).toEqual(['active', 'active']);
    const after = await discover(dir, ...FULL, '--format', 'json');
    const codes = (JSON.parse(after.stdout) as DiscoverReport).findings.map((f) => f.code);
    expect(codes).not.toContain('workload-discovered');
    expect(codes).not.toContain('backup-set-missing');
    expect(codes.filter((c) => c === 'ingress-host-unrecorded')).toHaveLength(1);
  });

  it('prints Markdown for a job summary', async () => {
    const r = await discover(await fixture(), ...FULL, '--format', 'md');
    expect(r.stdout.startsWith('### Discovery of `old-k3s` at 2026-07-01T00:00:00Z\n')).toBe(true);
    expect(r.stdout).toContain('| `service-missing` | `registry` | service registry is active on old-k3s');
    expect(r.stdout).toContain('<details><summary>Evidence that would change (2)</summary>');
    expect(r.stdout).toContain('  ```diff\n  @@ line 7\n  -schedule: daily 02:00 UTC\n  +schedule: 0 0 2 * * *\n  ```');
  });

  it('never prints, reports, writes or drafts the data of a Secret or ConfigMap', async () => {
    const dir = await fixture({ 'inventory/backup-sets/git-db-nightly.yaml': BACKUP_SET });
    const drafts = await mkdtemp(path.join(tmpdir(), 'ops-hub-drafts-'));
    const seen: string[] = [];
    for (const format of ['text', 'md', 'json']) {
      const r = await discover(dir, ...FULL, '--format', format, '--report', path.join(drafts, 'report.json'), '--suggest', drafts, '--write');
      seen.push(r.stdout, r.stderr, await readFile(path.join(drafts, 'report.json'), 'utf8'));
    }
    for (const root of [dir, drafts]) for (const file of await filesUnder(root)) seen.push(await readFile(path.join(root, file), 'utf8'));
    const snapshot = await readFile(path.join(K8S, 'workloads.json'), 'utf8');
    const encoded = [...snapshot.matchAll(/"\.dockerconfigjson": "([^"]+)"/g)].map((m) => m[1]!);
    expect(encoded).toHaveLength(1);
    for (const text of seen) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(encoded[0]);
      expect(text).not.toContain('hunter2');
    }
  });

  it('refuses bad input with exit 2 and says what is wrong', async () => {
    const dir = await fixture();
    const cases: Array<[string[], string]> = [
      [['--snapshot', path.join(K8S, 'invalid/not-json.json')], 'invalid/not-json.json: not JSON'],
      [['--snapshot', path.join(K8S, 'invalid/single-object.json')], 'not a Kubernetes List (kind: Deployment)'],
      [['--snapshot', path.join(K8S, 'nope.json')], 'nope.json: cannot read the snapshot (ENOENT)'],
      [[...CLEAN, '--kubectl-context', 'ops'], 'give either --snapshot FILE (one or more) or --kubectl-context NAME'],
      [[...CLEAN, '--format', 'github'], '--format must be one of text, md, json'],
      [[...CLEAN, '--max-age', '7 days'], '--max-age must be an ISO 8601 duration'],
      [[...CLEAN, '--suggest', dir], '--suggest DIR must be a folder of its own'],
    ];
    await Promise.all(
      cases.map(async ([args, said]) => {
        const r = await discover(dir, ...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toContain(said);
      }),
    );
  });

  it('refuses a cluster id that names no cluster record, with a did-you-mean', async () => {
    const dir = await fixture();
    const noCluster = await cli('discover.ts', ['--root', dir, ...CLEAN]);
    expect([noCluster.code, noCluster.stderr]).toEqual([2, expect.stringContaining('--cluster ID is required')]);
    const typo = await cli('discover.ts', ['--root', dir, ...CLEAN, '--cluster', 'old-k3', '--now', NOW_ISO]);
    expect([typo.code, typo.stderr]).toEqual([2, expect.stringContaining('--cluster: no cluster record has the id "old-k3" — did you mean "old-k3s"?')]);
    const host = await cli('discover.ts', ['--root', dir, ...CLEAN, '--cluster', 'old-server', '--now', NOW_ISO]);
    expect([host.code, host.stderr]).toEqual([2, expect.stringContaining('"old-server" is a host')]);
  });

  it('refuses an inventory with errors, discovering nothing', async () => {
    const dir = await fixture({ 'inventory/services/registry.yaml': `${await registryWithK8s()}k8s: again\n` });
    const r = await discover(dir, ...CLEAN);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('discover: the inventory has errors (see npm run validate); nothing was discovered or written');
  });
});

describe('--kubectl-context', PROCESSES, () => {
  /** A stand-in kubectl on an otherwise empty PATH: it records its arguments and prints the clean snapshot. */
  async function fakeKubectl(script: string): Promise<{ bin: string; argv: string }> {
    const bin = await mkdtemp(path.join(tmpdir(), 'ops-hub-kubectl-'));
    const argv = path.join(bin, 'argv');
    await writeFile(path.join(bin, 'kubectl'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${argv}'\n${script}\n`);
    await chmod(path.join(bin, 'kubectl'), 0o755);
    return { bin, argv };
  }
  const withPath = (dir: string, bin: string, ...args: string[]) =>
    cli('discover.ts', ['--root', dir, '--cluster', 'old-k3s', '--now', NOW_ISO, ...args], { env: { ...process.env, PATH: bin } });

  it('runs one read-only kubectl get with the named context', async () => {
    const dir = await fixture({ 'inventory/services/registry.yaml': await registryWithK8s() });
    const { bin, argv } = await fakeKubectl(`exec /bin/cat '${path.join(K8S, 'clean.json')}'`);
    const r = await withPath(dir, bin, '--kubectl-context', 'railiance01', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect((await readFile(argv, 'utf8')).trim().split('\n')).toEqual([
      'get',
      'nodes,namespaces,deployments.apps,statefulsets.apps,daemonsets.apps,services,ingresses.networking.k8s.io,certificates.cert-manager.io,clusters.postgresql.cnpg.io,backups.postgresql.cnpg.io,scheduledbackups.postgresql.cnpg.io',
      '-A',
      '-o',
      'json',
      '--context',
      'railiance01',
    ]);
    expect((JSON.parse(r.stdout) as DiscoverReport).snapshot.sources).toEqual(['kubectl --context railiance01']);
  });

  it('leaves out resources the cluster does not serve, and says so', async () => {
    const dir = await fixture({ 'inventory/services/registry.yaml': await registryWithK8s() });
    const { bin } = await fakeKubectl(
      `case "$2" in *certificates*) echo 'error: the server doesn'"'"'t have a resource type "certificates"' >&2; exit 1 ;; esac\nexec /bin/cat '${path.join(K8S, 'clean.json')}'`,
    );
    const r = await withPath(dir, bin, '--kubectl-context', 'bare', '--format', 'json');
    expect((JSON.parse(r.stdout) as DiscoverReport).snapshot.unserved).toEqual(['certificates.cert-manager.io']);
  });

  it('says so when kubectl is not on the PATH, or fails', async () => {
    const dir = await fixture();
    const empty = await mkdtemp(path.join(tmpdir(), 'ops-hub-no-kubectl-'));
    const missing = await withPath(dir, empty, '--kubectl-context', 'railiance01');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('discover: kubectl is not on the PATH');
    const { bin } = await fakeKubectl(`echo 'error: context "nope" does not exist' >&2; exit 1`);
    const failed = await withPath(dir, bin, '--kubectl-context', 'nope');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('error: context "nope" does not exist');
    const flag = await withPath(dir, bin, '--kubectl-context', '--kubeconfig=/etc/x');
    expect(flag.code).toBe(2);
  });
});
