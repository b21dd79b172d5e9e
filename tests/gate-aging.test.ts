import { describe, expect, it } from 'vitest';
import { gatesGoingStale, staleOn } from '../src/views/gates.ts';
import { MINIMAL, open } from './helpers/fixture.ts';

// The minimal fixture's registry-ready gate counts endpoint evidence of 2026-06-20T08:00Z with max age P30D.
const at = (iso: string) => open(MINIMAL, Date.parse(iso));

describe('gates that age', () => {
  it('say when a passed gate goes stale', async () => {
    const { graph } = await at('2026-07-01T00:00:00Z');
    expect(staleOn(graph.gateStatus('registry-ready')!, graph.now)).toBe('goes stale on 2026-07-20 (in 19 d)');
    expect(staleOn(graph.gateStatus('backups-proven')!, graph.now)).toBeUndefined();
    expect(gatesGoingStale(graph)).toEqual([]);
  });

  it('list the gates going stale within 7 days, as the home page and validate do', async () => {
    const opened = await at('2026-07-14T00:00:00Z');
    expect(gatesGoingStale(opened.graph).map((s) => s.gateId)).toEqual(['registry-ready']);
    expect(opened.diagnostics.filter((d) => d.code === 'gate-going-stale').map((d) => d.recordId)).toEqual(['registry-ready']);
  });

  it('stop announcing a date once the gate is stale', async () => {
    const { graph } = await at('2026-07-21T00:00:00Z');
    const status = graph.gateStatus('registry-ready')!;
    expect(status.effective).toBe('stale');
    expect(staleOn(status, graph.now)).toBeUndefined();
    expect(gatesGoingStale(graph)).toEqual([]);
  });
});
