/** The settings the ops-hub integration (src/site/integration.ts) validated, for pages and site code: the one way they read them. */
declare module 'virtual:ops-hub/settings' {
  export const siteSettings: Readonly<import('./site-config.ts').SiteSettings>;
  /** True but for `astro build`, which fills the diagrams in after rendering (diagram-fill.ts): the dev server has no such step. */
  export const inlineDiagrams: boolean;
}
