import type { TokenResponse } from './wire/token.ts';

/**
 * The access token of one client: exchanged once for all concurrent callers
 * (single flight), renewed a little before it expires, and dropped when a
 * request is refused with it. When a token dies earlier than `expires_in`
 * promised, later tokens are renewed before the lifetime actually observed.
 */

export interface HeldToken {
  value: string;
  obtainedAtMs: number;
}

export class TokenCache {
  private token?: HeldToken & { refreshAtMs: number };
  private observedLifetimeMs?: number;
  private exchanging?: Promise<HeldToken>;
  private readonly exchange: () => Promise<TokenResponse>;

  constructor(exchange: () => Promise<TokenResponse>) {
    this.exchange = exchange;
  }

  /** The token to send now; concurrent callers share one exchange. */
  async current(): Promise<HeldToken> {
    if (this.token && Date.now() < this.token.refreshAtMs) return this.token;
    this.exchanging ??= this.renew().finally(() => {
      this.exchanging = undefined;
    });
    return this.exchanging;
  }

  /**
   * A request sent at `sentAtMs` with a token obtained at `obtainedAtMs` was
   * refused: drop that token unless someone renewed it since, and remember
   * how long it really lived. The server judged it on arrival, somewhere in
   * the round trip, so the round trip counts against the lifetime: a token
   * is better renewed once too often than refused twice.
   */
  invalidate(sentAtMs: number, obtainedAtMs: number): void {
    const lived = sentAtMs - obtainedAtMs - (Date.now() - sentAtMs);
    if (lived > 0) this.observedLifetimeMs = Math.min(this.observedLifetimeMs ?? lived, lived);
    if (this.token && this.token.obtainedAtMs <= sentAtMs) this.token = undefined;
  }

  private async renew(): Promise<HeldToken> {
    const answer = await this.exchange();
    const promisedMs = answer.expires_in * 1000;
    const lifetimeMs = this.observedLifetimeMs === undefined ? promisedMs : Math.min(promisedMs, this.observedLifetimeMs);
    const obtainedAtMs = Date.now();
    // Refresh a little early so a token rarely expires in flight.
    this.token = { value: answer.access_token, obtainedAtMs, refreshAtMs: obtainedAtMs + lifetimeMs - Math.min(5_000, lifetimeMs / 10) };
    return this.token;
  }
}
