import { siteSettings } from 'virtual:ops-hub/settings';
import { preparedSite, type Diagram, type SiteData } from './prepared-data.ts';

export type { Diagram, SiteData };

/** Everything the pages show but the diagrams, once per build. */
export function siteData(): Promise<SiteData> {
  return preparedSite(siteSettings).data;
}

/** The topology diagrams, rendered to SVG once per build: only the pages that draw them wait for them. */
export function siteDiagrams(): Promise<Map<string, Diagram>> {
  return preparedSite(siteSettings).diagrams;
}

/** The `cacheKey` of every page that has one (site-version.ts), worked out once per build. */
export function pageCacheKey(): Promise<string> {
  return preparedSite(siteSettings).version(siteSettings);
}
