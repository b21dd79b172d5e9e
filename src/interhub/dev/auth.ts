import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiConsumer } from '../wire/bootstrap.ts';
import { presentedBearer } from '../wire/token.ts';
import { HttpAnswer, type Body } from './http.ts';
import { sha256, type DevStore } from './state.ts';

/**
 * The dev server's authentication: the client-credentials token exchange
 * (RFC 6749 §4.4), access tokens in memory with their lifetime, and who a
 * bearer token or the operator key makes a request.
 */

export type Principal = { kind: 'operator' } | { kind: 'consumer'; consumer: ApiConsumer; scopes: string[] };

export class DevAuth {
  /** Every access token handed out, so tests can scan output for them. */
  readonly issued: string[] = [];
  private readonly tokens = new Map<string, { consumerId: string; scopes: string[]; expiresAtMs: number; usesLeft: number }>();
  private readonly store: DevStore;
  private readonly operatorKey: string | undefined;

  constructor(store: DevStore, operatorKey: string | undefined) {
    this.store = store;
    this.operatorKey = operatorKey;
  }

  /**
   * `POST /token`; `ttlMs` is how long the token really lives (`expires_in`
   * rounds it up to whole seconds), `uses` how many requests it answers (0: any number).
   */
  exchange(body: Body, ttlMs: number, uses: number, nowMs: number): HttpAnswer {
    if (body.type !== 'form') throw new HttpAnswer(400, { error: 'invalid_request', error_description: 'form-encoded body required' });
    const form = body.form;
    if (form.get('grant_type') !== 'client_credentials') throw new HttpAnswer(400, { error: 'unsupported_grant_type' });
    const { consumers, keys } = this.store.state;
    const consumer = consumers.find((c) => c.id === form.get('client_id'));
    const secret = form.get('client_secret') ?? '';
    const key = consumer && keys.find((k) => k.consumerId === consumer.id && k.hash === sha256(secret));
    if (!consumer || !key) throw new HttpAnswer(401, { error: 'invalid_client' });
    const requested = (form.get('scope') ?? key.scopes.join(' ')).split(' ').filter(Boolean);
    if (requested.some((s) => !key.scopes.includes(s))) throw new HttpAnswer(400, { error: 'invalid_scope' });
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { consumerId: consumer.id, scopes: requested, expiresAtMs: nowMs + ttlMs, usesLeft: uses > 0 ? uses : Infinity });
    this.issued.push(accessToken);
    return new HttpAnswer(200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: Math.max(1, Math.ceil(ttlMs / 1000)),
      scope: requested.join(' '),
    });
  }

  /** Who the request's bearer token (or the operator key) is; 401 without a valid one. */
  principal(req: IncomingMessage, nowMs: number): Principal {
    const presented = presentedBearer(req.headers.authorization);
    if (!presented) throw new HttpAnswer(401, { error: 'missing_token' });
    if (this.operatorKey && presented === this.operatorKey) return { kind: 'operator' };
    const token = this.tokens.get(presented);
    if (!token || token.expiresAtMs <= nowMs || token.usesLeft <= 0) throw new HttpAnswer(401, { error: 'invalid_token' });
    token.usesLeft--;
    const consumer = this.store.state.consumers.find((c) => c.id === token.consumerId);
    if (!consumer) throw new HttpAnswer(401, { error: 'invalid_token' });
    return { kind: 'consumer', consumer, scopes: token.scopes };
  }
}
