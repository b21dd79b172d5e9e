import { distance } from 'fastest-levenshtein';

/** The closest known name, when it is close enough to be a likely typo. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const match = closest(name, known);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
