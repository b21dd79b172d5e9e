import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatesDocument } from '../src/site/api.ts';
import { desiredAnnotations } from '../src/sync/desired-annotations.ts';
import { desiredEvents } from '../src/sync/desired-events.ts';
import { codes, MINIMAL, openWith } from './helpers/fixture.ts';

const read = (file: string) => readFile(path.join(MINIMAL, file), 'utf8');
const GATE = 'gates/backups-proven.yaml';
const BACKUP_SET = 'inventory/backup-sets/git-db-nightly.yaml';
const ENDPOINT = 'inventory/endpoints/registry-v2.yaml';
const REGISTRY_GATE = 'gates/registry-ready.yaml';

/** backups-proven with its requirement linked to the git database, stating `status`. */
async function storeGate(status = 'pending', link = '    store: git-db\n'): Promise<string> {
  return (await read(GATE)).replace('    maxAge: P90D\n', `    maxAge: P90D\n${link}`).replace('status: pending', `status: ${status}`);
}

/** The fixture's backup set (a passing verified backup of 2026-06-29) with a restore test appended. */
async function withRestoreTest(result: 'pass' | 'fail', observedAt: string): Promise<string> {
  return `${await read(BACKUP_SET)}lastRestoreTest: { result: ${result}, observedAt: ${observedAt}, summary: restored into scratch, source: { workplan: EX-WP-0004 } }\n`;
}

describe('a requirement linked to a data store (store:)', () => {
  it('is missing until the store has both a verified backup and a restore test', async () => {
    const opened = await openWith({ [GATE]: await storeGate() });
    const [req] = opened.graph.gateStatus('backups-proven')!.requirements;
    expect(req).toEqual({ name: 'restore-tested', description: 'a restore test of the git database', state: 'missing', evidenceFrom: ['git-db-nightly'] });
    expect(opened.diagnostics).toEqual([]);
  });

  it('is met by fresh passing evidence of both, shows the one expiring first with its backup set, and goes stale after the max age', async () => {
    const changes = { [GATE]: await storeGate('passed'), [BACKUP_SET]: await withRestoreTest('pass', '2026-06-30') };
    const opened = await openWith(changes);
    const status = opened.graph.gateStatus('backups-proven')!;
    expect(status.effective).toBe('passed');
    expect(status.requirements[0]).toMatchObject({ state: 'met', latest: { recordId: 'git-db-nightly', evidence: { observedAt: '2026-06-29' } } });
    // The requirement's P90D applies to both; the older backup expires first.
    expect(new Date(status.staleAtMs!).toISOString()).toBe('2026-09-27T00:00:00.000Z');
    expect(opened.diagnostics).toEqual([]);

    const later = await openWith(changes, Date.parse('2026-09-28T00:00:00Z'));
    expect(later.graph.gateStatus('backups-proven')).toMatchObject({ effective: 'stale', requirements: [{ state: 'stale' }] });
    expect(later.diagnostics.find((d) => d.recordId === 'backups-proven')).toMatchObject({ code: 'gate-status-mismatch', severity: 'warning' });
  });

  it('fails on a failing restore test, which it shows', async () => {
    const opened = await openWith({ [GATE]: await storeGate(), [BACKUP_SET]: await withRestoreTest('fail', '2026-06-30') });
    const status = opened.graph.gateStatus('backups-proven')!;
    expect(status.effective).toBe('failed');
    expect(status.requirements[0]).toMatchObject({ state: 'failing', latest: { recordId: 'git-db-nightly', evidence: { result: 'fail', observedAt: '2026-06-30' } } });
    expect(codes(opened)).toEqual(['gate-status-mismatch']);
  });

  it('does not count a restore test from the future, nor does backup coverage', async () => {
    const opened = await openWith({ [GATE]: await storeGate(), [BACKUP_SET]: await withRestoreTest('pass', '2026-08-01') });
    expect(opened.graph.gateStatus('backups-proven')!.requirements[0]!.state).toBe('missing');
    expect(opened.graph.backupCoverage().find((c) => c.store.id === 'git-db')!.gaps).toContain('restore-untested');
    expect(codes(opened)).toEqual(['evidence-from-future']);
  });

  it('counts the latest of each over all live backup sets of the store, as backup coverage does', async () => {
    const restoreOnly = (await withRestoreTest('pass', '2026-06-30'))
      .replace('id: git-db-nightly', 'id: git-db-restore-drill')
      .replace(/lastVerifiedBackup:[\s\S]*?source: \{ workplan: EX-WP-0002 \}\n/, '');
    const opened = await openWith({ [GATE]: await storeGate('passed'), 'inventory/backup-sets/git-db-restore-drill.yaml': restoreOnly });
    const [req] = opened.graph.gateStatus('backups-proven')!.requirements;
    expect(req).toMatchObject({ state: 'met', evidenceFrom: ['git-db-nightly', 'git-db-restore-drill'] });
    expect(opened.diagnostics).toEqual([]);

    const retired = restoreOnly.replace('status: active', 'status: retired');
    const without = await openWith({ [GATE]: await storeGate(), 'inventory/backup-sets/git-db-restore-drill.yaml': retired });
    expect(without.graph.gateStatus('backups-proven')!.requirements[0]).toMatchObject({ state: 'missing', evidenceFrom: ['git-db-nightly'] });
  });
});

describe('what the consumers of gate status make of a store requirement', () => {
  it('the sync announces the gate passed and, once the restore test fails, raises a blocker naming the backup set; the read API shows it', async () => {
    const passed = await openWith({ [GATE]: await storeGate('passed'), [BACKUP_SET]: await withRestoreTest('pass', '2026-06-30') });
    expect(desiredEvents(passed.graph).filter((e) => e.recordId === 'backups-proven').map((e) => e.eventType)).toContain('ops-migration-gate-passed');

    const failed = await openWith({ [GATE]: await storeGate('failed'), [BACKUP_SET]: await withRestoreTest('fail', '2026-06-30') });
    expect(desiredEvents(failed.graph).filter((e) => e.recordId === 'backups-proven').map((e) => e.eventType)).toContain('ops-migration-gate-failed');
    const blocker = desiredAnnotations(failed.graph).find((a) => a.category === 'ops-readiness-blocker' && a.recordId === 'backups-proven')!;
    expect(blocker.facts).toMatchObject({ requirement: 'restore-tested', state: 'failing', evidenceOn: 'git-db-nightly' });
    const gate = gatesDocument(failed.graph, undefined).gates.find((g) => g.id === 'backups-proven')!;
    expect(gate.requirements[0]).toMatchObject({ state: 'failing', latest: { recordId: 'git-db-nightly', expired: false } });
  });
});

describe('validating a store link', () => {
  it('an unknown store is a dangling reference, with a did-you-mean', async () => {
    const opened = await openWith({ [GATE]: await storeGate('pending', '    store: git-dbb\n') });
    expect(opened.diagnostics.map((d) => [d.code, d.line, d.hint])).toEqual([['unknown-reference', 12, 'did you mean "git-db"?']]);
  });

  it('a service that is not persistent is refused, with a did-you-mean among the stores', async () => {
    const opened = await openWith({ [GATE]: await storeGate('pending', '    store: registry\n') });
    const d = opened.diagnostics.find((x) => x.code === 'store-not-persistent')!;
    expect(d).toMatchObject({ file: GATE, line: 12, severity: 'error' });
    expect(d.message).toBe('store: "registry" is not a persistent data store, so no backup coverage can meet "restore-tested"');
    expect(d.hint).toBe('name a service with persistent: true, or set persistent: true on inventory/services/registry.yaml');

    // A second database, not persistent, one letter from the store meant.
    const replica = (await read('inventory/services/git-db.yaml')).replace('id: git-db', 'id: git-db2').replace('persistent: true\n', '');
    const near = await openWith({ [GATE]: await storeGate('pending', '    store: git-db2\n'), 'inventory/services/git-db2.yaml': replica });
    expect(near.diagnostics.find((x) => x.code === 'store-not-persistent')!.hint).toBe('did you mean "git-db"?');
  });

  it('a retired store is a warning: its backup sets no longer count', async () => {
    const db = (await read('inventory/services/git-db.yaml')).replace('status: active', 'status: retired');
    const opened = await openWith({ [GATE]: await storeGate(), 'inventory/services/git-db.yaml': db });
    expect(opened.diagnostics.find((x) => x.code === 'store-retired')).toMatchObject({ file: GATE, line: 12, severity: 'warning' });
  });

  it('a requirement names an endpoint or a store, not both; collector only with an endpoint', async () => {
    const both = await openWith({ [GATE]: await storeGate('pending', '    store: git-db\n    endpoint: registry-v2\n') });
    expect(both.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['invalid-field', 12, 'requires[0].store: a requirement takes evidence from an endpoint or from a store, not both: split it into two requirements'],
    ]);
    const collector = await openWith({ [GATE]: await storeGate('pending', '    store: git-db\n    collector: discover\n') });
    expect(collector.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['invalid-field', 13, "requires[0].collector: collector chooses among an endpoint's evidence: add endpoint: too, or remove collector:"],
    ]);
  });

  it('evidence on the gate for a store requirement does not count, and is an error', async () => {
    const text = `${await storeGate()}evidence:\n  - { requirement: restore-tested, result: pass, observedAt: 2026-06-30, summary: restored, source: { workplan: EX-WP-0004 } }\n`;
    const opened = await openWith({ [GATE]: text });
    expect(opened.graph.gateStatus('backups-proven')!.requirements[0]!.state).toBe('missing');
    const d = opened.diagnostics.find((x) => x.code === 'evidence-for-store-requirement')!;
    expect(d).toMatchObject({ file: GATE, line: 15, severity: 'error' });
    expect(d.hint).toBe('record it as lastVerifiedBackup or lastRestoreTest of a backup set of git-db (inventory/backup-sets/), and remove it here');
  });
});

describe('a requirement naming the collector whose evidence counts (collector:)', () => {
  /** registry-v2 with the fixture's item by people (pass, 2026-06-20), a probe pass and a newer discover fail. */
  async function endpointWithCollectors(): Promise<string> {
    return (
      `${await read(ENDPOINT)}` +
      '  - { result: pass, observedAt: 2026-06-25T08:00:00Z, maxAge: P30D, summary: answered 401, source: { probe: probe } }\n' +
      '  - { result: fail, observedAt: 2026-06-30T08:00:00Z, maxAge: P30D, summary: certificate registry-tls is not Ready, source: { probe: discover } }\n'
    );
  }
  const gateWith = async (collector?: string) =>
    (await read(REGISTRY_GATE)).replace('    endpoint: registry-v2\n', `    endpoint: registry-v2\n${collector ? `    collector: ${collector}\n` : ''}`);
  const requirement = async (collector?: string) => {
    const opened = await openWith({ [ENDPOINT]: await endpointWithCollectors(), [REGISTRY_GATE]: await gateWith(collector) });
    return opened.graph.gateStatus('registry-ready')!.requirements[0]!;
  };

  it('without one, the newest item of any writer decides: the certificate', async () => {
    expect(await requirement()).toMatchObject({ state: 'failing', latest: { evidence: { source: { probe: 'discover' } } } });
  });

  it('collector: probe counts only the HTTP probe’s items', async () => {
    expect(await requirement('probe')).toMatchObject({ state: 'met', latest: { recordId: 'registry-v2', evidence: { observedAt: '2026-06-25T08:00:00Z' } } });
  });

  it('collector: discover counts only the certificate evidence', async () => {
    expect(await requirement('discover')).toMatchObject({ state: 'failing', latest: { evidence: { summary: 'certificate registry-tls is not Ready' } } });
  });

  it('items written by people count only without a collector', async () => {
    const opened = await openWith({ [REGISTRY_GATE]: await gateWith('probe') });
    expect(opened.graph.gateStatus('registry-ready')!.requirements[0]!.state).toBe('missing');
  });

  it('an unknown collector is refused with the ones there are', async () => {
    const opened = await openWith({ [REGISTRY_GATE]: await gateWith('kubectl') });
    expect(opened.diagnostics.map((d) => [d.code, d.hint])).toEqual([['invalid-field', 'use one of: probe, discover']]);
  });
});
