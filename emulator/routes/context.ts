import type { IncomingHttpHeaders } from 'node:http';
import { rateLimited } from '../api-error';
import type { Params } from '../params';
import type { SessionRecord } from '../sessions/session-store';
import type { AppState, EmulatorState } from '../state';

/** One API request as the route handlers see it. */
export interface Ctx {
  state: EmulatorState;
  method: string;
  path: string;
  params: Params;
  headers: IncomingHttpHeaders;
  /** The emulator's time when the request arrived. */
  now: number;
  /** `scheme://host:port` the request came in on. */
  origin: string;
  /** The session the request used or made: its expiry goes into `QB-Token-ExpirationDate`. */
  session?: SessionRecord;
  /** The expiry shown for `session`, taken before this request slides it (docs/quickblox-rest.md §2.7). */
  shownExpiry?: number;
}

/** A handler's answer; `body` is the serialised JSON (or `" "` for the documented empty bodies). */
export interface Reply {
  status: number;
  body: string;
}

export const jsonReply = (status: number, value: unknown): Reply => ({ status, body: JSON.stringify(value) });

/** QuickBlox's "Empty body": a single space, status 200, never 204 (docs/quickblox-rest.md §1.4, §1.5). */
export const emptyReply = (): Reply => ({ status: 200, body: ' ' });

/** Counts the request against its application's per-second budget; 429 above it. */
export function chargeApp(ctx: Ctx, app: AppState): void {
  if (!ctx.state.allowRequest(app.config.id, ctx.now)) throw rateLimited();
}

export function header(ctx: Ctx, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
