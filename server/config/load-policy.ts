import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { SessionServiceDefinition, UserServiceDefinition } from '../../gen/index.quickblox.v1';
import type { CallerIdentity, CallerPolicy } from './caller-policy';
import { applicationName } from './load-applications';
import { pathInFile } from './path-in-file';

/** Every method a pattern may name, as `package.Service/Method`. */
export const gatewayMethods: readonly string[] = [SessionServiceDefinition, UserServiceDefinition].flatMap((service) =>
  Object.values(service.methods).map((method) => `${service.fullName}/${method.name}`),
);

const knownPattern = (pattern: string) =>
  pattern === '*' || gatewayMethods.includes(pattern) || (pattern.endsWith('/*') && gatewayMethods.some((method) => method.startsWith(pattern.slice(0, -1))));

const methods = z
  .array(
    z.string().refine(knownPattern, {
      error: (issue) => `${JSON.stringify(issue.input)} names no method of the gateway (use *, package.Service/* or package.Service/Method)`,
    }),
  )
  .min(1, 'must name at least one method pattern');
const applications = z.array(applicationName).min(1, 'must name at least one application');
const grant = {
  methods,
  ownerPowers: z.union([z.boolean(), applications], { error: 'must be true, false or a list of application names' }).default(false),
  applications: applications.optional(),
  callsPerSecond: z.number().int().min(1).max(1_000_000).optional(),
};
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the key in 64 lowercase hex digits (printf %s KEY | sha256sum), never the key');
const caller = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be 1 to 63 of a-z 0-9 . _ - (it becomes a metric label)')
      .refine((n) => n !== 'anonymous', 'anonymous is the name of calls without credentials'),
    bearerKeySha256: sha256.optional(),
    certificate: z.union([z.object({ commonName: z.string().min(1) }).strict(), z.object({ uri: z.string().min(1) }).strict()]).optional(),
    jwtSubject: z.string().min(1).optional(),
    ...grant,
  })
  .strict()
  .refine((c) => [c.bearerKeySha256, c.certificate, c.jwtSubject].filter((x) => x !== undefined).length === 1, {
    error: 'needs exactly one of bearerKeySha256, certificate, jwtSubject',
  });
const schema = z
  .object({
    callers: z.array(caller).default([]),
    anonymous: z
      .object(grant)
      .strict()
      .default({ methods: ['*'], ownerPowers: false }),
    jwt: z
      .object({
        issuer: z.string().min(1),
        audience: z.string().min(1),
        jwksFile: z.string().min(1).optional(),
        jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
        clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
      })
      .strict()
      .refine((j) => (j.jwksFile === undefined) !== (j.jwksUrl === undefined), { error: 'needs exactly one of jwksFile, jwksUrl' })
      .optional(),
  })
  .strict();

type Parsed = z.infer<typeof schema>;

/**
 * Reads and validates GATEWAY_POLICY_FILE (YAML, of which JSON is a subset).
 * Returns the policy, or the problems, each naming the file, the path in it
 * and what is wrong.
 */
export function loadPolicy(file: string, knownApplications: readonly string[] | undefined): CallerPolicy | { problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { problems: [`GATEWAY_POLICY_FILE ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`] };
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    return { problems: [`GATEWAY_POLICY_FILE ${file} is not YAML or JSON: ${(e as Error).message.split('\n')[0]}`] };
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `GATEWAY_POLICY_FILE ${file}${pathInFile(issue.path)} ${issue.message}`) };
  return toPolicy(file, parsed.data, knownApplications);
}

function toPolicy(file: string, data: Parsed, knownApplications: readonly string[] | undefined): CallerPolicy | { problems: string[] } {
  const problems = unknownApplications(file, data, knownApplications);
  const names = new Set<string>();
  const identities = new Set<string>();
  const callers = data.callers.map((c, i) => {
    const identity: CallerIdentity = c.bearerKeySha256
      ? { kind: 'bearer', keySha256: c.bearerKeySha256 }
      : c.certificate
        ? 'commonName' in c.certificate
          ? { kind: 'certificate-cn', commonName: c.certificate.commonName }
          : { kind: 'certificate-uri', uri: c.certificate.uri }
        : { kind: 'jwt', subject: c.jwtSubject ?? '' };
    const key = JSON.stringify(identity);
    if (names.has(c.name)) problems.push(`GATEWAY_POLICY_FILE ${file}: callers[${i}].name "${c.name}" is used twice`);
    if (identities.has(key)) problems.push(`GATEWAY_POLICY_FILE ${file}: callers[${i}] has the same identity as an earlier caller`);
    if (identity.kind === 'jwt' && !data.jwt)
      problems.push(`GATEWAY_POLICY_FILE ${file}: callers[${i}].jwtSubject needs the jwt section (issuer, audience, JWKS)`);
    names.add(c.name);
    identities.add(key);
    return { name: c.name, identity, methods: c.methods, ownerPowers: c.ownerPowers, applications: c.applications, callsPerSecond: c.callsPerSecond };
  });
  let jwt: CallerPolicy['jwt'];
  if (data.jwt) {
    const { issuer, audience, clockToleranceSeconds, jwksFile, jwksUrl } = data.jwt;
    if (jwksUrl) {
      jwt = { issuer, audience, clockToleranceSeconds, jwks: { url: jwksUrl } };
    } else if (jwksFile) {
      const path = resolve(dirname(file), jwksFile);
      try {
        jwt = { issuer, audience, clockToleranceSeconds, jwks: { file: path, keys: JSON.parse(readFileSync(path, 'utf8')) } };
      } catch (e) {
        problems.push(`GATEWAY_POLICY_FILE ${file}: jwt.jwksFile ${path} cannot be read as JSON: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
  }
  if (problems.length) return { problems };
  return { file, callers, anonymous: data.anonymous, jwt };
}

/** Every application a grant names that the gateway does not serve, with its place in the file (unchecked while the applications are in doubt). */
function unknownApplications(file: string, data: Parsed, known: readonly string[] | undefined): string[] {
  if (!known) return [];
  const grants: [string, Parsed['anonymous']][] = [
    ['anonymous', data.anonymous],
    ...data.callers.map((c, i): [string, Parsed['anonymous']] => [`callers[${i}]`, c]),
  ];
  return grants.flatMap(([at, grant]) =>
    (['applications', 'ownerPowers'] as const).flatMap((field) => {
      const names = grant[field];
      return Array.isArray(names)
        ? names
            .filter((n) => !known.includes(n))
            .map((n) => `GATEWAY_POLICY_FILE ${file}: ${at}.${field} "${n}" names no application of the gateway (${known.join(', ')})`)
        : [];
    }),
  );
}
