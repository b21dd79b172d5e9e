/** An API document as the static file Astro writes: compact JSON (the largest, inventory.json, grows with the inventory). */
export function jsonResponse(document: unknown): Response {
  return new Response(JSON.stringify(document), { headers: { 'content-type': 'application/json; charset=utf-8' } });
}
