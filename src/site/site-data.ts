import { siteSettings } from 'virtual:ops-hub/settings';
import { preparedSite, type Diagram, type SiteData } from './prepared-data.ts';

export { environmentDiagram, ESTATE_DIAGRAM } from './prepared-data.ts';
export type { Diagram, SiteData };

/** Everything the pages show but the diagrams, once per build. */
export function siteData(): Promise<SiteData> {
  return preparedSite(siteSettings).data;
}

/** The topology diagrams, without their SVGs: Diagram.astro leaves a placeholder that the build fills in (diagram-fill.ts). */
export function siteDiagrams(): Promise<Map<string, Diagram>> {
  return preparedSite(siteSettings).diagrams;
}

/** Each diagram's SVG as it is laid out, for the dev server, which has no build to fill them in. */
export function siteDiagramSvgs(): Promise<Map<string, Promise<string>>> {
  return preparedSite(siteSettings).svgs;
}
