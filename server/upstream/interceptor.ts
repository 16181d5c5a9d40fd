import type { IncomingHttpHeaders } from 'undici/types/header';
import type { Credential } from './credential';
import type { UpstreamCall } from './route';

/** Bookkeeping of one gRPC call: its cancellation signal and the upstream requests made for it. */
export interface CallScope {
  signal?: AbortSignal;
  upstreamRequests: number;
  /** Who called, once the caller policy has said (for the call log and per-caller metrics; the pipeline ignores it). */
  caller?: string;
  /** Which application the call is for (its `qb-application`, or the default), for the call log and the call metrics. */
  application?: string;
}

/** One request as it travels through the pipeline; stages pass on changed copies, never mutate it. */
export interface UpstreamRequest {
  readonly call: UpstreamCall;
  readonly credential: Credential;
  readonly scope: CallScope;
  /** Headers added by the stages so far (authentication, trace context). */
  readonly headers: Readonly<Record<string, string>>;
}

/** An HTTP answer. */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined for a blank or non-JSON body. */
  body: unknown;
  /** When the session used lapses (local ms), from the expiry header. */
  expiresAt?: number;
}

/**
 * Sends a request on. Inside `expect-success` it resolves with any HTTP
 * answer; from there outwards only with a success, and rejects with an
 * UpstreamError otherwise (or an AbortError when the caller went away).
 */
export type Send = (request: UpstreamRequest) => Promise<UpstreamResponse>;

/** One stage of the pipeline: wraps the rest of it (connect-es's interceptor shape). */
export type UpstreamInterceptor = (next: Send) => Send;

/** Wraps `innermost` in `stages`, the first listed outermost. */
export function compose(stages: readonly UpstreamInterceptor[], innermost: Send): Send {
  return stages.reduceRight((next, stage) => stage(next), innermost);
}
