import { z } from 'zod';

/** A date (`2026-06-14`) or an ISO date-time with offset; dates mean midnight UTC. */
export const timestampSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO date (2026-06-14) or date-time with offset (2026-06-14T09:30:00Z)',
});

export function toEpochMs(timestamp: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(timestamp) ? `${timestamp}T00:00:00Z` : timestamp);
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

/** ISO 8601 durations in weeks, days, hours and minutes (`P30D`, `P2W`, `PT12H`). */
export const durationSchema = z
  .string()
  .refine((s) => s !== 'P' && s !== 'PT' && DURATION.test(s), {
    error: 'must be an ISO 8601 duration in weeks, days, hours or minutes, e.g. P30D, P2W, PT12H',
  });

export function durationMs(duration: string): number {
  const m = DURATION.exec(duration);
  if (!m) throw new Error(`not a duration: ${duration}`);
  const [, w, d, h, min] = m.map((v) => Number(v ?? 0));
  return ((((w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 60 + (min ?? 0)) * 60_000;
}

const DAY = 86_400_000;

/** Compact human age: "3 d", "5 h", "12 min". */
export function formatAge(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= DAY) return `${Math.floor(abs / DAY)} d`;
  if (abs >= 3_600_000) return `${Math.floor(abs / 3_600_000)} h`;
  return `${Math.floor(abs / 60_000)} min`;
}

/** An ISO date-time to the second (`2026-07-01T06:00:00Z`), the form probes write. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
