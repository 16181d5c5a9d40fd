import { types } from 'node:util';

/**
 * Why an upstream request did not succeed, read once from the answer (or its
 * absence) so that no later layer reads message text again.
 */
export type UpstreamFailureKind =
  /** No answer: connection refused or reset, DNS or TLS failure (the `cause` says which). */
  | 'unreachable'
  /** No answer within the gateway's upstream timeout. */
  | 'timeout'
  /** Not sent: the gateway's own rate limit (QB_RATE_LIMIT) had no room soon enough. */
  | 'throttled'
  /** Not sent: the circuit breaker is open after a run of failures. */
  | 'circuit_open'
  /** "Unexpected signature" or "No Application Found": the gateway's application credentials. */
  | 'app_credentials_rejected'
  /** 422 "Bad timestamp": the signed request's timestamp is off the upstream's clock. */
  | 'bad_timestamp'
  /** 422 about the nonce: a (timestamp, nonce) pair the upstream has seen. */
  | 'nonce_rejected'
  /** 401 "Required session does not exist": the token expired or was destroyed. */
  | 'session_missing'
  /** 401 "Token is required". */
  | 'token_required'
  /** Any other 401: credentials not accepted. */
  | 'unauthorized'
  /** 422 or 403 "Forbidden. Need user.". */
  | 'need_user'
  /** 403 "not owner": another user's data. */
  | 'not_owner'
  /** ConnectyCube's "Users retrieving forbidden in admin panel…": the application does not allow listing users. */
  | 'listing_forbidden'
  /** Any other 403. */
  | 'forbidden'
  | 'not_found'
  /** 422 with field errors. */
  | 'invalid_fields'
  /** Any other 422, or 400. */
  | 'rejected'
  /** 429. */
  | 'rate_limited'
  /** 502, 503, 504: a proxy or server that may answer the next try. */
  | 'bad_gateway'
  /** Any other 5xx. */
  | 'server_error'
  /** Anything else the gateway does not expect. */
  | 'unexpected';

/** Failures without an HTTP answer. */
export type NoAnswerKind = 'unreachable' | 'timeout' | 'throttled' | 'circuit_open';

export interface UpstreamErrorOptions {
  /** Seconds to wait before retrying, from a `Retry-After` header or the local rate limit. */
  retryAfterSeconds?: number;
  /** What caused it: undici's error for a request that got no answer. */
  cause?: unknown;
  /** How the upstream words its failures (its flavour's `wording`); unset: the words both upstreams share. */
  wording?: readonly Wording[];
}

/**
 * A failed upstream request: its kind, route, status and parsed error body.
 * QuickBlox uses several body shapes (docs/quickblox-rest.md §6.1):
 * `{"errors":{"base":[…]}}`, field errors `{"errors":{"login":[…]}}`,
 * `{"errors":[…]}`, `{"code":…,"message":…}` and blank or HTML bodies, and
 * ConnectyCube the first three (docs/connectycube-rest.md §4.2); this class
 * reads all of them.
 */
export class UpstreamError extends Error {
  readonly kind: UpstreamFailureKind;
  /** Base, array and `message` texts of the body. */
  readonly messages: readonly string[];
  /** Field errors by upstream field name (`login`, `password`, `blob`). */
  readonly fieldErrors: Readonly<Record<string, readonly string[]>>;
  readonly retryAfterSeconds?: number;

  constructor(
    /** `status` when the upstream answered; otherwise why there is no answer. */
    failure: 'status' | NoAnswerKind,
    /** The route template, e.g. `/users/{id}.json`: safe for logs and labels. */
    readonly route: string,
    readonly status?: number,
    body?: unknown,
    options: UpstreamErrorOptions = {},
  ) {
    const { messages, fieldErrors } = readErrorBody(body);
    super(describe(failure, route, status, messages, fieldErrors, options.cause), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UpstreamError';
    this.messages = messages;
    this.fieldErrors = fieldErrors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.kind = failure === 'status' ? classify(status ?? 0, this, options.wording ?? sharedWording) : failure;
  }

  /** Whether the upstream answered at all. */
  get answered(): boolean {
    return this.status !== undefined;
  }

  /** True when a message of the body contains `text`, ignoring case. */
  says(text: string): boolean {
    const needle = text.toLowerCase();
    return this.messages.some((m) => m.toLowerCase().includes(needle));
  }

  /** Every message and field error of the body, as one line. */
  get text(): string {
    return bodyText(this.messages, this.fieldErrors);
  }
}

/**
 * One way an upstream words a failure: the kind it means when a message of
 * the body contains `says` (any case), or when the body has a field error on
 * `field`, for the statuses listed (any status when there are none).
 */
export interface Wording {
  kind: UpstreamFailureKind;
  says?: string;
  field?: string;
  statuses?: readonly number[];
}

/**
 * The words QuickBlox and ConnectyCube share (docs/quickblox-rest.md §6.2,
 * docs/connectycube-rest.md §4.2): a flavour lists its own words before these.
 */
export const sharedWording: readonly Wording[] = [
  { kind: 'app_credentials_rejected', says: 'unexpected signature' },
  { kind: 'app_credentials_rejected', says: 'no application found' },
  { kind: 'bad_timestamp', says: 'bad timestamp', statuses: [422] },
  { kind: 'nonce_rejected', says: 'nonce', statuses: [422] },
  { kind: 'session_missing', says: 'session does not exist', statuses: [401] },
  { kind: 'token_required', says: 'token is required', statuses: [401] },
  { kind: 'need_user', says: 'need user', statuses: [422, 403] },
  { kind: 'not_owner', says: 'not owner', statuses: [403] },
];

/** The one place the upstream's wording is read: the flavour's words first, then what the status alone says. */
function classify(status: number, e: UpstreamError, wording: readonly Wording[]): UpstreamFailureKind {
  const worded = wording.find(
    (w) =>
      (w.statuses === undefined || w.statuses.includes(status)) &&
      ((w.says !== undefined && e.says(w.says)) || (w.field !== undefined && e.fieldErrors[w.field] !== undefined)),
  );
  if (worded) return worded.kind;
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 422 && Object.keys(e.fieldErrors).length > 0) return 'invalid_fields';
  if (status === 422 || status === 400) return 'rejected';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'bad_gateway';
  if (status >= 500) return 'server_error';
  return 'unexpected';
}

function describe(
  failure: 'status' | NoAnswerKind,
  route: string,
  status: number | undefined,
  messages: readonly string[],
  fieldErrors: Readonly<Record<string, readonly string[]>>,
  cause: unknown,
): string {
  const because = isError(cause) ? `: ${causeText(cause)}` : '';
  if (failure === 'unreachable') return `upstream ${route} unreachable${because}`;
  if (failure === 'timeout') return `upstream ${route} timed out${because}`;
  if (failure === 'throttled') return `upstream ${route} not sent: the gateway's rate limit is used up`;
  if (failure === 'circuit_open') return `upstream ${route} not sent: the circuit breaker is open after failures in a row`;
  const text = bodyText(messages, fieldErrors);
  return `upstream ${route} answered ${status}${text ? `: ${text}` : ''}`;
}

/** A body's messages and field errors as one line: `Bad timestamp; login has already been taken`. */
function bodyText(messages: readonly string[], fieldErrors: Readonly<Record<string, readonly string[]>>): string {
  return [...messages, ...Object.entries(fieldErrors).map(([field, list]) => `${field} ${list.join(', ')}`)].join('; ');
}

/** undici's error and the system error under it: `fetch failed (connect ECONNREFUSED 127.0.0.1:1)`. */
function causeText(cause: Error): string {
  const code = (cause as NodeJS.ErrnoException).code;
  const inner = isError(cause.cause) ? ` (${causeText(cause.cause)})` : '';
  return `${cause.message}${code && !cause.message.includes(code) ? ` [${code}]` : ''}${inner}`;
}

/** Errors from Node's own modules may come from another realm (a test sandbox), where `instanceof Error` fails. */
function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

function readErrorBody(body: unknown): { messages: string[]; fieldErrors: Record<string, string[]> } {
  const messages: string[] = [];
  const fieldErrors: Record<string, string[]> = {};
  if (body === null || typeof body !== 'object') return { messages, fieldErrors };
  const { errors, message } = body as { errors?: unknown; message?: unknown };
  if (typeof message === 'string' && message) messages.push(message);
  if (Array.isArray(errors)) {
    for (const e of errors) if (typeof e === 'string') messages.push(e);
  } else if (errors && typeof errors === 'object') {
    for (const [field, value] of Object.entries(errors)) {
      const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
      if (field === 'base') messages.push(...list);
      else fieldErrors[field] = list;
    }
  }
  return { messages, fieldErrors };
}
