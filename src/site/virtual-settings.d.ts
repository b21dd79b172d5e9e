/** The settings the ops-hub integration (src/site/integration.ts) validated, for pages and site code: the one way they read them. */
declare module 'virtual:ops-hub/settings' {
  export const siteSettings: Readonly<import('./site-config.ts').SiteSettings>;
}
