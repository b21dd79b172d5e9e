import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { openInventory } from '../src/inventory.ts';
import { directorySource } from '../src/load/source.ts';
import { apiJsonSchemas, apiSchemaFileOf } from '../src/site/api-schema.ts';
import { cli } from './helpers/cli.ts';
import { fixture, REPO_ROOT } from './helpers/fixture.ts';
import { commitAll, gitInit } from './helpers/git-history.ts';

const NOW = '2026-07-01T00:00:00Z';

interface Built {
  root: string;
  out: string;
  commit: string;
  files: Map<string, string>;
}

/** The minimal fixture committed, built with the real build command; every file under dist/api/ by its path there. */
async function buildFixture(): Promise<Built> {
  const root = await fixture();
  await gitInit(root);
  const commit = await commitAll(root, 'inventory', '2026-06-30T12:00:00Z');
  const out = await mkdtemp(path.join(tmpdir(), 'ops-hub-api-'));
  const r = await cli('build.ts', ['--root', root, '--out', out, '--now', NOW, '--repo-url', 'https://git.example.test/railiance/ops-hub/src/branch/main']);
  if (r.code !== 0) throw new Error(`build failed (${r.code}): ${r.stderr}`);
  const files = new Map<string, string>();
  for (const entry of await readdir(path.join(out, 'api'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(path.join(out, 'api'), full).split(path.sep).join('/'), await readFile(full, 'utf8'));
  }
  return { root, out, commit, files };
}

/** A validator for each committed schema under schemas/api/, as a reader of the API would use them. */
async function validators(): Promise<Record<'inventory' | 'record' | 'gates', ValidateFunction>> {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const load = async (name: 'inventory' | 'record' | 'gates') => ajv.compile(JSON.parse(await readFile(path.join(REPO_ROOT, apiSchemaFileOf(name)), 'utf8')));
  return { inventory: await load('inventory'), record: await load('record'), gates: await load('gates') };
}

const json = (built: Built, file: string) => JSON.parse(built.files.get(file)!) as Record<string, any>;

describe('the static read API', () => {
  let built: Built;
  let validate: Awaited<ReturnType<typeof validators>>;
  beforeAll(async () => {
    [built, validate] = await Promise.all([buildFixture(), validators()]);
  }, 180_000);

  it('writes inventory.json, gates.json and one file per record, each valid against its committed JSON Schema', () => {
    const records = [...built.files.keys()].filter((f) => f.startsWith('records/'));
    expect([...built.files.keys()].filter((f) => !f.startsWith('records/')).sort()).toEqual(['gates.json', 'inventory.json']);
    expect(records).toHaveLength(16);
    const check = (fn: ValidateFunction, file: string) => expect(fn(json(built, file)) ? [] : fn.errors, file).toEqual([]);
    check(validate.inventory, 'inventory.json');
    check(validate.gates, 'gates.json');
    for (const file of records) check(validate.record, file);
  });

  it('says when the facts were derived and from which commit', () => {
    for (const file of built.files.keys()) {
      const doc = json(built, file);
      expect(doc.apiVersion).toBe(1);
      expect(doc.now).toBe('2026-07-01T00:00:00.000Z');
      expect(doc.commit).toBe(built.commit);
    }
  });

  it('holds every record with its fields, relations both ways and derived facts', () => {
    const records = json(built, 'inventory.json').records as Array<Record<string, any>>;
    expect(records.map((r) => r.id)).toHaveLength(16);
    const byId = new Map(records.map((r) => [r.id, r]));
    const git = byId.get('git')!;
    expect(git).toMatchObject({ kind: 'service', title: 'Git hosting', file: 'inventory/services/git.yaml', page: 'services/git/' });
    expect(git.fields).toMatchObject({ cluster: 'old-k3s', datastores: ['git-db'], persistent: true });
    expect(git.relations.outgoing).toContainEqual({ field: 'datastores', path: 'datastores[0]', to: 'git-db' });
    expect(git.relations.incoming).toContainEqual({ field: 'dependsOn', path: 'dependsOn[0]', from: 'registry' });
    // A store without a backup set, recorded as a gap.
    expect(git.derived.backupCoverage).toMatchObject({ backupSets: [], gaps: ['no-backup-set', 'restore-untested'], gapRisks: ['git-no-backup'] });
    expect(byId.get('registry-ready')!.derived.gate).toMatchObject({ stated: 'passed', effective: 'passed', reason: 'all 1 requirement(s) have fresh passing evidence' });
    expect(byId.get('old-to-new')!.derived.wave).toMatchObject({ verdict: 'not-ready', counts: { passed: 1, failed: 0, stale: 0, pending: 1 }, gates: ['backups-proven', 'registry-ready'] });
    expect(byId.get('old-server')!.derived.impact).toEqual({
      downstream: { count: 9, byKind: { cluster: 1, service: 3, 'readiness-gate': 2, 'backup-set': 1, endpoint: 1, 'migration-wave': 1 } },
      upstream: { count: 1, byKind: { environment: 1 } },
    });
    expect(byId.get('restore-git')!.body).toContain('Restore the latest dump.');
  });

  it('gives each record its own file, the same entry plus the paths of its impact', () => {
    const inventory = new Map((json(built, 'inventory.json').records as Array<{ id: string }>).map((r) => [r.id, r]));
    for (const [id, entry] of inventory) expect(json(built, `records/${id}.json`).record).toEqual(entry);
    const host = json(built, 'records/old-server.json');
    expect(host.impact.downstream.count).toBe(9);
    const nightly = host.impact.downstream.entries.find((e: { id: string }) => e.id === 'git-db-nightly');
    expect(nightly).toEqual({
      id: 'git-db-nightly',
      kind: 'backup-set',
      from: 'old-server',
      path: [
        { id: 'old-k3s', field: 'hosts', phrase: 'runs on' },
        { id: 'git-db', field: 'cluster', phrase: 'runs on' },
        { id: 'git-db-nightly', field: 'service', phrase: 'backs up' },
      ],
    });
  });

  it('lists every gate with its effective status, evidence and age', () => {
    const gates = json(built, 'gates.json').gates as Array<Record<string, any>>;
    expect(gates.map((g) => [g.id, g.effective, g.wave])).toEqual([
      ['backups-proven', 'pending', 'old-to-new'],
      ['registry-ready', 'passed', 'old-to-new'],
    ]);
    const latest = gates[1]!.requirements[0].latest;
    expect(latest).toMatchObject({ recordId: 'registry-v2', expiresAt: '2026-07-20T08:00:00.000Z', expired: false });
    expect(latest.ageMs).toBe(Date.parse(NOW) - Date.parse('2026-06-20T08:00:00Z'));
    expect(latest.evidence).toMatchObject({ result: 'pass', summary: 'answered 401 with the registry header' });
    expect(gates[1]!.staleAt).toBe('2026-07-20T08:00:00.000Z');
  });

  it('holds no path of the build machine: not the checkout, the inventory, the output or the temp directory', () => {
    const machine = [REPO_ROOT, built.root, built.out, tmpdir(), path.dirname(REPO_ROOT)].filter((p) => p.length > 1);
    for (const [file, text] of built.files) {
      for (const p of machine) expect(text.includes(p), `${file} holds ${p}`).toBe(false);
      expect(text, file).not.toMatch(/file:\/\/|"\/(?:home|root|tmp|Users|var)\//);
    }
  });

  it('has a schema that catches a document the API must not publish', () => {
    const doc = json(built, 'records/git.json');
    delete doc.record.derived.impact;
    expect(validate.record(doc)).toBe(false);
    const loose = json(built, 'gates.json');
    loose.gates[0].effective = 'green';
    expect(validate.gates(loose)).toBe(false);
  });
});

describe('the API schemas', () => {
  it('are committed as generated from the model (npm run schema)', async () => {
    const { modelled } = await openInventory(directorySource(REPO_ROOT), { now: Date.now() });
    for (const [file, content] of apiJsonSchemas(modelled.vocabulary)) {
      expect(await readFile(path.join(REPO_ROOT, file), 'utf8'), `${file} is stale: run npm run schema`).toBe(content);
    }
  });
});
