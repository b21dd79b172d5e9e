import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codes, MINIMAL, open, openWith } from './helpers/fixture.ts';

const read = (file: string) => readFile(path.join(MINIMAL, file), 'utf8');

describe('gate status is derived from evidence', () => {
  it('passes with fresh passing endpoint evidence, and says when it goes stale', async () => {
    const { graph } = await open(MINIMAL);
    const status = graph.gateStatus('registry-ready')!;
    expect(status.effective).toBe('passed');
    expect(status.requirements[0]).toMatchObject({ name: 'v2-answers', state: 'met' });
    expect(new Date(status.staleAtMs!).toISOString()).toBe('2026-07-20T08:00:00.000Z');
  });

  it('turns stale when --now moves past the max age, and validate warns about the stated status', async () => {
    const later = Date.parse('2026-07-21T00:00:00Z');
    const opened = await open(MINIMAL, later);
    expect(opened.graph.gateStatus('registry-ready')!.effective).toBe('stale');
    const d = opened.diagnostics.find((x) => x.code === 'gate-status-mismatch' && x.recordId === 'registry-ready')!;
    expect(d).toMatchObject({ severity: 'warning', file: 'gates/registry-ready.yaml', line: 5 });
    expect(d.message).toContain('"passed"');
    expect(d.message).toContain('"stale"');
  });

  it('announces a gate going stale within 7 days', async () => {
    const opened = await open(MINIMAL, Date.parse('2026-07-15T00:00:00Z'));
    const d = opened.diagnostics.find((x) => x.code === 'gate-going-stale')!;
    expect(d.severity).toBe('notice');
    expect(d.message).toContain('2026-07-20');
    expect(opened.errors).toBe(0);
  });

  it('stays pending while a requirement lacks evidence, and fails on failing evidence', async () => {
    const { graph } = await open(MINIMAL);
    expect(graph.gateStatus('backups-proven')).toMatchObject({ effective: 'pending', stated: 'pending' });
    const failing = (await read('gates/backups-proven.yaml')) +
      'evidence:\n  - requirement: restore-tested\n    result: fail\n    observedAt: 2026-06-30\n    summary: restore aborted\n    source: { workplan: EX-WP-0003 }\n';
    const opened = await openWith({ 'gates/backups-proven.yaml': failing });
    expect(opened.graph.gateStatus('backups-proven')!.effective).toBe('failed');
    expect(codes(opened)).toContain('gate-status-mismatch');
  });

  it('the latest evidence wins: a newer pass after a fail passes', async () => {
    const text = (await read('gates/backups-proven.yaml')).replace('status: pending', 'status: passed') +
      'evidence:\n' +
      '  - { requirement: restore-tested, result: fail, observedAt: 2026-06-01, summary: failed, source: { workplan: A } }\n' +
      '  - { requirement: restore-tested, result: pass, observedAt: 2026-06-15, summary: worked, source: { workplan: B } }\n';
    const opened = await openWith({ 'gates/backups-proven.yaml': text });
    expect(opened.graph.gateStatus('backups-proven')!.effective).toBe('passed');
    expect(opened.diagnostics).toEqual([]);
  });

  it('does not count evidence from the future, and warns about it', async () => {
    const text = (await read('gates/backups-proven.yaml')) +
      'evidence:\n  - { requirement: restore-tested, result: pass, observedAt: 2026-08-01, summary: later, source: { workplan: A } }\n';
    const opened = await openWith({ 'gates/backups-proven.yaml': text });
    expect(opened.graph.gateStatus('backups-proven')!.effective).toBe('pending');
    expect(codes(opened)).toContain('evidence-from-future');
  });

  it('unknown-requirement and evidence-without-requirement', async () => {
    const text = (await read('gates/backups-proven.yaml')) +
      'evidence:\n' +
      '  - { requirement: restore-testd, result: pass, observedAt: 2026-06-15, summary: x, source: { workplan: A } }\n' +
      '  - { result: pass, observedAt: 2026-06-15, summary: x, source: { workplan: A } }\n';
    const opened = await openWith({ 'gates/backups-proven.yaml': text });
    const unknown = opened.diagnostics.find((d) => d.code === 'unknown-requirement')!;
    expect(unknown.hint).toBe('did you mean "restore-tested"?');
    expect(codes(opened)).toContain('evidence-without-requirement');
  });

  it('gate-without-requirements and duplicate-requirement', async () => {
    const none = (await read('gates/backups-proven.yaml')).replace(/requires:[\s\S]*?concerns/, 'concerns');
    expect(codes(await openWith({ 'gates/backups-proven.yaml': none }))).toContain('gate-without-requirements');
    const twice = (await read('gates/backups-proven.yaml')).replace(
      'concerns:',
      'concerns:',
    ).replace('requires:\n', 'requires:\n  - name: restore-tested\n    description: again\n');
    expect(codes(await openWith({ 'gates/backups-proven.yaml': twice }))).toContain('duplicate-requirement');
  });
});

describe('wave readiness and coverage come from the graph', () => {
  it('counts gates by effective status and names open risks', async () => {
    const risk = (await read('inventory/risks/git-no-backup.yaml')).replace('affects: [git]', 'affects: [git, backups-proven]');
    const opened = await openWith({ 'inventory/risks/git-no-backup.yaml': risk });
    const [wave] = opened.graph.waveReadiness();
    expect(wave!.counts).toEqual({ passed: 1, failed: 0, stale: 0, pending: 1 });
    expect(wave!.verdict).toBe('blocked');
    expect(wave!.blockingRisks.map((r) => r.id)).toEqual(['git-no-backup']);
  });

  it('lists every persistent store with its backup sets and gaps', async () => {
    const { graph } = await open(MINIMAL);
    const rows = graph.backupCoverage().map((c) => [c.store.id, c.backupSets.map((b) => b.id), c.gaps, c.gapRisks.map((r) => r.id)]);
    expect(rows).toEqual([
      ['git', [], ['no-backup-set', 'restore-untested'], ['git-no-backup']],
      ['git-db', ['git-db-nightly'], ['restore-untested'], []],
    ]);
  });

  it('keeps relations both ways', async () => {
    const { graph } = await open(MINIMAL);
    expect(graph.outgoing('git').map((r) => `${r.field}→${r.to}`)).toEqual(['environment→prod-old', 'cluster→old-k3s', 'datastores→git-db']);
    expect(graph.incoming('git-db').map((r) => `${r.from}.${r.field}`).sort()).toEqual([
      'backups-proven.concerns', 'git-db-nightly.service', 'git.datastores', 'restore-git.services',
    ]);
  });
});

