import { request, type Agent, type Dispatcher } from 'undici';
import { httpAgent, HTTP_TIMEOUT_MS } from '../util/http-agent.ts';
import { parseJsonOrUndefined } from '../util/json.ts';
import { openApiDocumentSchema, openApiPaths } from './wire/openapi.ts';
import { BOOTSTRAP_PATHS, JSON_CONTENT_TYPE, routePath } from './wire/routes.ts';

/**
 * The bootstrap API gate of OPS-WP-0002 T03, without secrets: unauthenticated
 * `GET /api/v2/hubs` answers 401 (not 404) and the OpenAPI lists the
 * bootstrap paths. Anything that is not a clear answer (refused, timed out,
 * 5xx, an unexpected status, an OpenAPI that is not JSON) is `unreachable`.
 */
export interface GateVerdict {
  status: 'open' | 'closed' | 'unreachable';
  base: string;
  checkedAt: string;
  hubsStatus?: number;
  /** The OpenAPI half of the gate on its own: read and complete, read with paths missing, or not read. */
  openapi: 'lists-bootstrap-paths' | 'missing-paths' | 'unreadable';
  missingPaths: string[];
  reasons: string[];
}

type Answer = { ok: true; status: number; text: string } | { ok: false; why: string };

export async function probeBootstrapGate(base: string, options: { timeoutMs?: number; now?: () => Date } = {}): Promise<GateVerdict> {
  const timeoutMs = options.timeoutMs ?? HTTP_TIMEOUT_MS;
  const checkedAt = (options.now ?? (() => new Date()))().toISOString();
  const origin = new URL(base).origin;
  const agent = httpAgent({ timeoutMs, keepAliveMs: 1_000 });
  try {
    const [hubs, openapi] = await Promise.all([
      fetchText(agent, `${origin}${routePath('hubs')}`, timeoutMs),
      fetchText(agent, `${origin}${routePath('openapi')}`, timeoutMs),
    ]);
    const reasons: string[] = [];
    let unreachable = false;
    let closed = false;

    const hubsRoute = `GET ${routePath('hubs')}`;
    if (!hubs.ok) {
      unreachable = true;
      reasons.push(`${hubsRoute}: ${hubs.why}`);
    } else if (hubs.status === 401) {
      reasons.push(`${hubsRoute} answers 401 unauthenticated: the bootstrap API is deployed`);
    } else if (hubs.status === 404) {
      closed = true;
      reasons.push(`${hubsRoute} answers 404, not 401: the bootstrap API is not deployed`);
    } else {
      unreachable = true;
      reasons.push(`${hubsRoute} answers ${hubs.status}, expected 401 (open) or 404 (closed)`);
    }

    const missingPaths: string[] = [];
    let openapiState: GateVerdict['openapi'] = 'unreadable';
    const openapiRoute = `GET ${routePath('openapi')}`;
    if (!openapi.ok) {
      unreachable = true;
      reasons.push(`${openapiRoute}: ${openapi.why}`);
    } else if (openapi.status !== 200) {
      unreachable = true;
      reasons.push(`${openapiRoute} answers ${openapi.status}, expected 200`);
    } else {
      const doc = openApiDocumentSchema.safeParse(parseJsonOrUndefined(openapi.text));
      if (!doc.success) {
        unreachable = true;
        reasons.push(`${openapiRoute} is not an OpenAPI document (JSON with "paths")`);
      } else {
        const listed = new Set(openApiPaths(doc.data));
        missingPaths.push(...BOOTSTRAP_PATHS.filter((p) => !listed.has(p)));
        openapiState = missingPaths.length > 0 ? 'missing-paths' : 'lists-bootstrap-paths';
        if (missingPaths.length > 0) {
          closed = true;
          reasons.push(`the OpenAPI does not list ${missingPaths.join(', ')}`);
        } else {
          reasons.push(`the OpenAPI lists ${BOOTSTRAP_PATHS.join(', ')}`);
        }
      }
    }

    return {
      status: unreachable ? 'unreachable' : closed ? 'closed' : 'open',
      base: origin,
      checkedAt,
      ...(hubs.ok ? { hubsStatus: hubs.status } : {}),
      openapi: openapiState,
      missingPaths,
      reasons,
    };
  } finally {
    await agent.close();
  }
}

async function fetchText(agent: Agent, url: string, timeoutMs: number): Promise<Answer> {
  try {
    const response = await request(url, {
      dispatcher: agent as Dispatcher,
      method: 'GET',
      headers: { accept: JSON_CONTENT_TYPE },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.body.text();
    if (response.statusCode >= 500) return { ok: false, why: `server error ${response.statusCode}` };
    return { ok: true, status: response.statusCode, text };
  } catch (err) {
    const code = (err as { code?: unknown; name?: unknown }).code ?? (err as { name?: unknown }).name;
    const timedOut = code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'TimeoutError' || code === 'AbortError';
    return { ok: false, why: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${typeof code === 'string' ? code : 'network error'})` };
  }
}
