/**
 * The refresh rule: a record keeps ONE probe-written evidence item per thing
 * probed (per endpoint record; per requirement on a gate). A new observation
 * replaces it in place — the first such item, with any others removed —
 * or is appended when there is none. Evidence written by people (any source
 * other than `probe: probe`) is never touched. Git history keeps every
 * earlier observation, so the record holds only the current one and its
 * diff is one item.
 */
export interface RefreshPlan {
  /** Index of the item the new one replaces; undefined means append. */
  replaceAt?: number;
  /** Indices of further stale probe items to drop. */
  remove: number[];
}

export function refreshPlan(items: readonly unknown[], isOld: (item: unknown) => boolean): RefreshPlan {
  const old = items.flatMap((item, i) => (isOld(item) ? [i] : []));
  return old.length === 0 ? { remove: [] } : { replaceAt: old[0]!, remove: old.slice(1) };
}

/** The list after the refresh, for checking what the text edit produced. */
export function refreshed<T>(items: readonly T[], item: T, isOld: (item: unknown) => boolean): T[] {
  const plan = refreshPlan(items, isOld);
  if (plan.replaceAt === undefined) return [...items, item];
  return items.flatMap((x, i) => (i === plan.replaceAt ? [item] : plan.remove.includes(i) ? [] : [x]));
}

/**
 * Evidence one collector wrote about one thing: `source.probe` names the
 * collector (`probe`, or `discover` for Kubernetes evidence), and for gates
 * the same requirement. Each collector refreshes only its own items.
 */
export function isProbeEvidenceFor(requirement: string | undefined, collector: 'probe' | 'discover' = 'probe'): (item: unknown) => boolean {
  return (item) => {
    if (item === null || typeof item !== 'object') return false;
    const { source, requirement: req } = item as { source?: { probe?: unknown }; requirement?: unknown };
    return source?.probe === collector && req === requirement;
  };
}
