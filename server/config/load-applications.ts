import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ApplicationConfig, UpstreamConfig } from './gateway-config';
import { pathInFile } from './path-in-file';
import { secretText } from './secret-text';
import { upstreamFacts, upstreamNames } from './upstream-names';

/** What an application of the file takes from the environment unless it says otherwise. */
export type ApplicationDefaults = Pick<UpstreamConfig, 'signatureAlgorithm' | 'timeoutMs' | 'connections' | 'ca' | 'ownerReads'> & {
  rateLimit: number;
  rateLimitMaxWaitMs: number;
  breaker: { failures: number; openMs: number };
  coalesceWindowMs: number;
};

/** The name of an application: the value of the `qb-application` metadata and of the `application` label. */
export const applicationName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1 to 63 of a-z 0-9 - _, starting with a letter or digit');
const whole = (min: number, max: number) => z.number().int(`must be a whole number`).min(min).max(max);
const secret = secretText;
const application = z
  .object({
    name: applicationName,
    upstream: z.enum(upstreamNames, { error: `must be ${upstreamNames.join(' or ')}` }),
    applicationId: whole(1, 2 ** 31 - 1),
    authKey: secret,
    authSecret: secret.optional(),
    apiKey: secret.optional(),
    endpoint: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.quickblox.com' })
      .refine((v) => ['', '/'].includes(new URL(v).pathname), 'must be an origin without a path')
      .optional(),
    caFile: z.string().min(1).optional(),
    // The settings an application may hold apart from the environment's (the variables of the same meaning).
    rateLimit: whole(0, 100_000).optional(),
    rateLimitMaxWaitMs: whole(0, 60_000).optional(),
    signatureHash: z.enum(['sha1', 'sha256'], { error: 'must be sha1 or sha256' }).optional(),
    timeoutMs: whole(100, 600_000).optional(),
    connections: whole(1, 4096).optional(),
    breakerFailures: whole(0, 1000).optional(),
    breakerOpenMs: whole(100, 600_000).optional(),
    coalesceWindowMs: whole(0, 1000).optional(),
    ownerReads: z.enum(['refused', 'always'], { error: 'must be refused or always' }).optional(),
  })
  .strict();
const schema = z
  .object({
    default: applicationName.optional(),
    applications: z.array(application).min(1, 'must list at least one application'),
  })
  .strict();

/**
 * Reads and validates GATEWAY_APPLICATIONS_FILE (YAML, of which JSON is a
 * subset): every problem at once, each naming the file and the path in it;
 * secrets are never repeated. Without `default`, a file of one application
 * makes it the default.
 */
export function loadApplications(
  file: string,
  defaults: ApplicationDefaults,
): { applications: ApplicationConfig[]; defaultApplication: string } | { problems: string[] } {
  const said = (what: string) => `GATEWAY_APPLICATIONS_FILE ${file}${what}`;
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problems: [said(code ? ` cannot be read: ${code}` : ` is not YAML or JSON: ${(e as Error).message.split('\n')[0]}`)] };
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => said(`${pathInFile(issue.path)} ${issue.message}`)) };
  const { applications: listed } = parsed.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  listed.forEach((a, i) => {
    const facts = upstreamFacts[a.upstream];
    if (seen.has(a.name)) problems.push(said(`: applications[${i}].name "${a.name}" is used twice`));
    seen.add(a.name);
    if (facts.authSecret === 'required' && a.authSecret === undefined)
      problems.push(said(`: applications[${i}].authSecret is required: ${facts.title} signs every session request`));
    if (!facts.apiKey && a.apiKey !== undefined) problems.push(said(`: applications[${i}].apiKey does not apply: ${facts.title} has no server API key`));
  });
  const defaultApplication = parsed.data.default ?? (listed.length === 1 ? listed[0]?.name : undefined);
  if (defaultApplication === undefined)
    problems.push(said(': default is required with more than one application: the name of the one a call gets when it names none'));
  else if (!seen.has(defaultApplication)) problems.push(said(`: default "${defaultApplication}" names no application (${[...seen].join(', ')})`));
  const applications = listed.map((a, i) => toApplication(a, defaults, file, (problem) => problems.push(said(`: applications[${i}].${problem}`))));
  return problems.length || defaultApplication === undefined ? { problems } : { applications, defaultApplication };
}

function toApplication(a: z.infer<typeof application>, d: ApplicationDefaults, file: string, problem: (text: string) => void): ApplicationConfig {
  let ca = d.ca;
  if (a.caFile) {
    const path = resolve(dirname(file), a.caFile);
    try {
      ca = readFileSync(path, 'utf8');
    } catch (e) {
      problem(`caFile ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const rateLimit = a.rateLimit ?? d.rateLimit;
  const failures = a.breakerFailures ?? d.breaker.failures;
  return {
    name: a.name,
    coalesceWindowMs: a.coalesceWindowMs ?? d.coalesceWindowMs,
    upstream: {
      name: a.upstream,
      applicationId: a.applicationId,
      authKey: a.authKey,
      authSecret: a.authSecret,
      apiKey: a.apiKey,
      endpoint: a.endpoint ? new URL(a.endpoint).origin : upstreamFacts[a.upstream].defaultEndpoint,
      ca,
      signatureAlgorithm: a.signatureHash ?? d.signatureAlgorithm,
      timeoutMs: a.timeoutMs ?? d.timeoutMs,
      connections: a.connections ?? d.connections,
      rateLimit: rateLimit > 0 ? { perSecond: rateLimit, maxWaitMs: a.rateLimitMaxWaitMs ?? d.rateLimitMaxWaitMs } : undefined,
      breaker: failures > 0 ? { failures, openMs: a.breakerOpenMs ?? d.breaker.openMs } : undefined,
      ownerReads: a.ownerReads ?? d.ownerReads,
    },
  };
}
