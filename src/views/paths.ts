import { KIND_LAYOUTS, layoutOf, type Kind } from '../model/kinds.ts';

/** URL segment of a kind: its folder name (`services`, `gates`, `backup-sets`). */
export function kindSlug(kind: Kind): string {
  return layoutOf(kind).dir.split('/').pop()!;
}

export function kindOfSlug(slug: string): Kind | undefined {
  return KIND_LAYOUTS.find((l) => kindSlug(l.kind) === slug)?.kind;
}

/** Site path of a record page, relative to the site base (no leading slash). */
export function recordPath(kind: Kind, id: string): string {
  return `${kindSlug(kind)}/${id}/`;
}

/** Site path of a topology page, relative to the site base: an environment's, or the whole estate's without one. */
export function topologyPath(environment?: string): string {
  return environment === undefined ? 'topology/' : `topology/${environment}/`;
}
