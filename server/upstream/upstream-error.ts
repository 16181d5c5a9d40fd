/** Why an upstream request did not succeed. */
export type UpstreamFailure =
  /** The upstream answered with a status other than 200, 201 or 202. */
  | 'status'
  /** No answer: connection refused or reset, DNS or TLS failure. */
  | 'unreachable'
  /** No answer within the gateway's upstream timeout. */
  | 'timeout'
  /** Not sent: the gateway's own rate limit (QB_RATE_LIMIT) had no room soon enough. */
  | 'throttled';

/**
 * A failed upstream request, with the error body parsed. QuickBlox uses
 * several body shapes (reference §6.1): `{"errors":{"base":[…]}}`, field
 * errors `{"errors":{"login":[…]}}`, `{"errors":[…]}`, `{"code":…,"message":…}`
 * and blank or HTML bodies; this class reads all of them.
 */
export class UpstreamError extends Error {
  /** Base, array and `message` texts of the body. */
  readonly messages: readonly string[];
  /** Field errors by upstream field name (`login`, `password`, `blob`). */
  readonly fieldErrors: Readonly<Record<string, readonly string[]>>;

  constructor(
    readonly failure: UpstreamFailure,
    /** The route template, e.g. `/users/{id}.json`: safe for logs and labels. */
    readonly route: string,
    readonly status?: number,
    body?: unknown,
    /** Seconds to wait before retrying, from a `Retry-After` header. */
    readonly retryAfterSeconds?: number,
  ) {
    const { messages, fieldErrors } = readErrorBody(body);
    super(describe(failure, route, status, messages, fieldErrors));
    this.name = 'UpstreamError';
    this.messages = messages;
    this.fieldErrors = fieldErrors;
  }

  /** True when a message of the body contains `text`, ignoring case. */
  says(text: string): boolean {
    const needle = text.toLowerCase();
    return this.messages.some((m) => m.toLowerCase().includes(needle));
  }
}

function describe(
  failure: UpstreamFailure,
  route: string,
  status: number | undefined,
  messages: readonly string[],
  fieldErrors: Readonly<Record<string, readonly string[]>>,
): string {
  if (failure === 'unreachable') return `upstream ${route} unreachable`;
  if (failure === 'timeout') return `upstream ${route} timed out`;
  if (failure === 'throttled') return `upstream ${route} not sent: the gateway's rate limit is used up`;
  const texts = [...messages, ...Object.entries(fieldErrors).map(([field, list]) => `${field} ${list.join(', ')}`)];
  return `upstream ${route} answered ${status}${texts.length ? `: ${texts.join('; ')}` : ''}`;
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
