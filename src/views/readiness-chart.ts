import type { EffectiveStatus } from '../graph/gate-status.ts';

/**
 * A wave's gate counts over time as a static SVG model: one column per day,
 * the statuses stacked (passed at the bottom), each column a link to the
 * commit that made that day's state. Pure geometry; no script draws it.
 */

export interface ChartStep {
  day: string;
  commit?: { sha: string; subject: string };
  counts: Record<EffectiveStatus, number>;
}

export const CHART_STATUSES: readonly EffectiveStatus[] = ['passed', 'failed', 'stale', 'pending'];

export const CHART = { width: 640, height: 170, left: 30, right: 6, top: 8, bottom: 22 } as const;

export interface ChartColumn {
  x: number;
  width: number;
  /** Where the column links: the commit on the forge, when the repository URL is known. */
  href?: string;
  /** What a pointer or a screen reader gets: day, commit and the four counts. */
  label: string;
}

export interface ChartModel {
  /** One closed path per status that occurs, stacked. */
  areas: Array<{ status: EffectiveStatus; d: string }>;
  columns: ChartColumn[];
  /** The top of the y axis: the most gates on any day. */
  maxGates: number;
  firstDay: string;
  lastDay: string;
  /** The latest day's counts, for the caption. */
  latest: Record<EffectiveStatus, number>;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function countsText(counts: Record<EffectiveStatus, number>): string {
  return CHART_STATUSES.map((s) => `${counts[s]} ${s}`).join(', ');
}

export function readinessChart(steps: readonly ChartStep[], hrefOf?: (sha: string) => string): ChartModel {
  if (steps.length === 0) throw new Error('a readiness chart needs at least one day');
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const width = plotWidth / steps.length;
  const maxGates = Math.max(1, ...steps.map((s) => CHART_STATUSES.reduce((n, k) => n + s.counts[k], 0)));
  const y = (gates: number) => round(CHART.top + plotHeight - (gates / maxGates) * plotHeight);
  const x = (i: number) => round(CHART.left + i * width);

  // Cumulative heights per column: below[i] for the status being drawn, above[i] after it.
  let below = steps.map(() => 0);
  const areas = CHART_STATUSES.map((status) => {
    const above = steps.map((s, i) => below[i]! + s.counts[status]);
    const top = steps.map((_, i) => `${i === 0 ? `M${x(0)} ${y(above[0]!)}` : `V${y(above[i]!)}`}H${x(i + 1)}`).join('');
    const bottom = steps.map((_, i) => steps.length - 1 - i).map((i) => `V${y(below[i]!)}H${x(i)}`).join('');
    below = above;
    return { status, d: `${top}${bottom}Z` };
  }).filter((area) => steps.some((s) => s.counts[area.status] > 0));

  const columns = steps.map((s, i): ChartColumn => {
    const commit = s.commit ? ` · ${s.commit.sha.slice(0, 8)} ${s.commit.subject}` : ' · current state';
    return {
      x: x(i),
      width: round(width),
      ...(s.commit && hrefOf ? { href: hrefOf(s.commit.sha) } : {}),
      label: `${s.day}${commit}: ${countsText(s.counts)}`,
    };
  });
  return { areas, columns, maxGates, firstDay: steps[0]!.day, lastDay: steps[steps.length - 1]!.day, latest: steps[steps.length - 1]!.counts };
}

/**
 * A commit's page on the forge, from the URL of the repository's files at a
 * branch (Gitea `…/src/branch/main`, GitHub `…/blob/main`, GitLab
 * `…/-/blob/main`) or of the repository itself.
 */
export function commitUrl(repoUrl: string, sha: string): string {
  const m = /^(.*?)\/(-\/)?(?:src|blob|tree)\/.*$/.exec(repoUrl);
  return m ? `${m[1]}/${m[2] ?? ''}commit/${sha}` : `${repoUrl.replace(/\/+$/, '')}/commit/${sha}`;
}
