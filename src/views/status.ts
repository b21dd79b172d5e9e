import type { EffectiveStatus, RequirementState } from '../graph/gate-status.ts';
import type { WaveVerdict } from '../graph/waves.ts';

export type Tone = 'good' | 'bad' | 'warn' | 'neutral';

export interface StatusView {
  /** A symbol, so status reads without colour too. */
  icon: string;
  label: string;
  tone: Tone;
}

const GATE: Record<EffectiveStatus, StatusView> = {
  passed: { icon: '✔', label: 'passed', tone: 'good' },
  failed: { icon: '✖', label: 'failed', tone: 'bad' },
  stale: { icon: '◔', label: 'stale', tone: 'warn' },
  pending: { icon: '…', label: 'pending', tone: 'neutral' },
};

const REQUIREMENT: Record<RequirementState, StatusView> = {
  met: { icon: '✔', label: 'met', tone: 'good' },
  failing: { icon: '✖', label: 'failing', tone: 'bad' },
  stale: { icon: '◔', label: 'stale', tone: 'warn' },
  missing: { icon: '○', label: 'no evidence', tone: 'neutral' },
};

const VERDICT: Record<WaveVerdict, StatusView> = {
  ready: { icon: '✔', label: 'ready', tone: 'good' },
  blocked: { icon: '✖', label: 'blocked', tone: 'bad' },
  'not-ready': { icon: '…', label: 'not ready', tone: 'warn' },
};

const RECORD_TONES: Record<string, Tone> = {
  active: 'good',
  current: 'good',
  reviewed: 'good',
  resolved: 'good',
  mitigated: 'good',
  done: 'good',
  passed: 'good',
  degraded: 'warn',
  open: 'bad',
  raised: 'bad',
  failed: 'bad',
  accepted: 'warn',
  draft: 'warn',
  unknown: 'warn',
};

export const gateStatusView = (s: EffectiveStatus): StatusView => GATE[s];
export const requirementView = (s: RequirementState): StatusView => REQUIREMENT[s];
export const verdictView = (v: WaveVerdict): StatusView => VERDICT[v];

/** A record's own stated status, e.g. a service `active` or a risk `raised`. */
export function recordStatusView(status: string): StatusView {
  const tone = RECORD_TONES[status] ?? 'neutral';
  const icon = { good: '●', bad: '▲', warn: '◆', neutral: '○' }[tone];
  return { icon, label: status, tone };
}
