import { afterEach, describe, expect, it } from 'vitest';
import { InterHubClient } from '../src/interhub/client.ts';
import { UnexpectedResponseError } from '../src/interhub/errors.ts';
import { hubSchema } from '../src/interhub/wire/hubs.ts';
import { startServer, type LocalServer } from './helpers/local-server.ts';

/** The Inter-Hub client against a hand-made server on 127.0.0.1: answers the dev server would never give. */

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('the Inter-Hub client', () => {
  it('ignores fields it does not know, and names the route and the field it needs when one is missing', async () => {
    let slug = true;
    server = await startServer((_req, res) => {
      const hub = { id: 'h1', name: 'Hub', ...(slug ? { slug: 'ops-hub' } : {}), revision: 3, links: { self: '/x' } };
      json(res, 200, { data: [hub], meta: { page: 1, pageSize: 100, total: 1, cursor: 'abc' } });
    });
    const client = new InterHubClient({ base: server.origin });
    try {
      expect(await client.listAll('hubRegistry', hubSchema, 'public')).toEqual([{ id: 'h1', name: 'Hub', slug: 'ops-hub' }]);
      slug = false;
      const failure = await client.listAll('hubRegistry', hubSchema, 'public').catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(UnexpectedResponseError);
      expect(failure).toMatchObject({ code: 'unexpected-response', route: 'GET /api/v2/hub-registry', field: 'data.0.slug' });
      expect((failure as Error).message).toMatch(/^unexpected response from GET \/api\/v2\/hub-registry: field "data\.0\.slug" — /);
    } finally {
      await client.close();
    }
  });

  it('retries the token exchange under the same policy as every request, and sends the token it got', async () => {
    const key = 'ihk_client_test_0123456789abcdef';
    let exchanges = 0;
    let authorization: string | undefined;
    server = await startServer((req, res) => {
      if (req.url === '/api/v2/token') {
        if (++exchanges < 3) return json(res, 503, { error: 'warming_up' });
        return json(res, 200, { access_token: 'tok_0123456789abcdef', token_type: 'Bearer', expires_in: 60 });
      }
      authorization = req.headers.authorization;
      json(res, 200, { data: [], meta: { page: 1, pageSize: 100, total: 0 } });
    });
    const log: string[] = [];
    const client = new InterHubClient({
      base: server.origin,
      credentials: { clientId: 'c1', clientSecret: key },
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      log: (line) => log.push(line),
    });
    try {
      expect(await client.listAll('hubRegistry', hubSchema, 'public')).toEqual([]);
      expect(client.stats).toMatchObject({ tokenExchanges: 3, retries: 2 });
      expect(log.filter((l) => l.startsWith('POST /api/v2/token: HTTP 503; retrying in '))).toHaveLength(2);
      expect(authorization).toBe('Bearer tok_0123456789abcdef');
      expect(log.join('\n')).not.toContain(key);
    } finally {
      await client.close();
    }
  });
});
