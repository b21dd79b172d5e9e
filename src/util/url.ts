/** Reports, events and evidence never carry query strings: they can hold tokens. */
export function stripQuery(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
