import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { usage } from '../../server/cli/usage';
import { ConfigError, environmentVariables, loadConfig } from '../../server/config/load-config';

const minimal = { QB_APPLICATION_ID: '12345', QB_AUTH_KEY: 'AbCdEfGh12345', QB_AUTH_SECRET: 'S3cr3tS3cr3tXYZ' };

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
  it('applies the documented defaults to a minimal environment', () => {
    const config = loadConfig(minimal);
    expect(config).toEqual({
      defaultApplication: 'default',
      applications: [
        {
          name: 'default',
          coalesceWindowMs: 2,
          upstream: {
            name: 'quickblox',
            applicationId: 12345,
            authKey: 'AbCdEfGh12345',
            authSecret: 'S3cr3tS3cr3tXYZ',
            endpoint: 'https://api.quickblox.com',
            apiKey: undefined,
            ca: undefined,
            signatureAlgorithm: 'sha1',
            timeoutMs: 10_000,
            connections: 32,
            breaker: { failures: 5, openMs: 5000 },
            ownerReads: 'refused',
          },
        },
      ],
      grpc: {
        host: '0.0.0.0',
        port: 50051,
        connections: {
          maxConcurrentStreams: 100,
          keepaliveTimeMs: 7_200_000,
          keepaliveTimeoutMs: 20_000,
          maxConnectionAgeMs: 1_800_000,
          maxConnectionAgeGraceMs: 30_000,
        },
      },
      metricsPort: 9464,
      listingRecheckMs: 300_000,
      reuseUserSessions: false,
      reuseMaxBytes: 64 * 2 ** 20,
      shutdownGraceMs: 10_000,
      logLevel: 'info',
    });
  });

  it('names every missing credential at once', () => {
    const list = problems({});
    expect(list).toHaveLength(3);
    expect(list[0]).toMatch(/^QB_APPLICATION_ID is required/);
    expect(list[1]).toMatch(/^QB_AUTH_KEY is required/);
    expect(list[2]).toMatch(/^QB_AUTH_SECRET is required/);
  });

  it('treats empty variables as unset', () => {
    expect(problems({ ...minimal, QB_AUTH_SECRET: '  ' })).toEqual([expect.stringMatching(/^QB_AUTH_SECRET is required/)]);
    expect(loadConfig({ ...minimal, QB_API_KEY: '' }).applications[0]?.upstream.apiKey).toBeUndefined();
  });

  it('names each malformed variable and never repeats a secret value', () => {
    const list = problems({
      QB_APPLICATION_ID: 'abc',
      QB_AUTH_KEY: 'has space',
      QB_AUTH_SECRET: 'tab\tsecret-value',
      QB_API_ENDPOINT: 'ftp://example.com',
      QB_SIGNATURE_HASH: 'md5',
      GRPC_PORT: '70000',
      QB_REUSE_USER_SESSIONS: 'maybe',
      QB_UPSTREAM_TIMEOUT_MS: '5',
      LOG_LEVEL: 'loud',
    });
    const byVariable = Object.fromEntries(list.map((p) => [p.split(' ')[0], p]));
    expect(Object.keys(byVariable).sort()).toEqual(
      [
        'GRPC_PORT',
        'LOG_LEVEL',
        'QB_API_ENDPOINT',
        'QB_APPLICATION_ID',
        'QB_AUTH_KEY',
        'QB_AUTH_SECRET',
        'QB_REUSE_USER_SESSIONS',
        'QB_SIGNATURE_HASH',
        'QB_UPSTREAM_TIMEOUT_MS',
      ].sort(),
    );
    expect(byVariable.QB_SIGNATURE_HASH).toBe('QB_SIGNATURE_HASH must be sha1 or sha256');
    expect(byVariable.GRPC_PORT).toBe('GRPC_PORT must be at most 65535');
    expect(list.join('\n')).not.toContain('secret-value');
  });

  it('reads every option it documents', () => {
    const config = loadConfig({
      ...minimal,
      QB_API_ENDPOINT: 'http://127.0.0.1:8080/',
      QB_API_KEY: 'key-1',
      QB_SIGNATURE_HASH: 'sha256',
      QB_UPSTREAM_TIMEOUT_MS: '2500',
      QB_UPSTREAM_CONNECTIONS: '8',
      QB_REUSE_USER_SESSIONS: 'on',
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      METRICS_PORT: '9000',
      SHUTDOWN_GRACE_MS: '0',
      LOG_LEVEL: 'debug',
    });
    expect(config.applications).toHaveLength(1);
    expect(config.applications[0]?.upstream).toMatchObject({
      endpoint: 'http://127.0.0.1:8080',
      apiKey: 'key-1',
      signatureAlgorithm: 'sha256',
      timeoutMs: 2500,
      connections: 8,
    });
    expect(config).toMatchObject({ grpc: { host: '127.0.0.1', port: 0 }, metricsPort: 9000, reuseUserSessions: true, shutdownGraceMs: 0, logLevel: 'debug' });
    expect(environmentVariables.map(([name]) => name)).toContain('QB_REUSE_USER_SESSIONS');
  });

  it('names QB_API_ENDPOINT when it is not a URL at all, with the other problems', () => {
    expect(problems({ ...minimal, QB_API_ENDPOINT: 'not a url', GRPC_PORT: 'x' })).toEqual([
      'QB_API_ENDPOINT must be an http(s) URL such as https://api.quickblox.com',
      'GRPC_PORT must be a whole number',
    ]);
  });

  it('rejects an endpoint with a path and an unreadable CA file', () => {
    expect(problems({ ...minimal, QB_API_ENDPOINT: 'https://api.quickblox.com/v1' })).toEqual([
      'QB_API_ENDPOINT must be an origin without a path, e.g. https://api.quickblox.com',
    ]);
    expect(problems({ ...minimal, QB_API_CA_FILE: '/nonexistent/ca.pem' })).toEqual(['QB_API_CA_FILE cannot be read: ENOENT']);
  });

  it('needs the gRPC TLS certificate and key together, and both before a client CA', () => {
    expect(problems({ ...minimal, GRPC_TLS_CERT_FILE: __filename })).toEqual(['GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together: set both or neither']);
    expect(problems({ ...minimal, GRPC_TLS_CLIENT_CA_FILE: __filename })).toEqual(['GRPC_TLS_CLIENT_CA_FILE needs GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE']);
    const config = loadConfig({ ...minimal, GRPC_TLS_CERT_FILE: __filename, GRPC_TLS_KEY_FILE: __filename });
    expect(config.grpc.tls).toMatchObject({ clientCa: undefined });
    expect(config.grpc.tls!.cert).toContain('needs the gRPC TLS certificate');
  });

  it('needs REDIS_ENCRYPTION_KEY with REDIS_URL, of 32 characters at least, and keeps both as the store', () => {
    expect(problems({ ...minimal, REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([expect.stringMatching(/^REDIS_ENCRYPTION_KEY is required with REDIS_URL/)]);
    expect(problems({ ...minimal, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_ENCRYPTION_KEY: 'short' })).toEqual([
      expect.stringMatching(/^REDIS_ENCRYPTION_KEY must be at least 32 characters/),
    ]);
    const secret = 'a-secret-of-thirty-two-characters-or-more';
    expect(loadConfig({ ...minimal, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_ENCRYPTION_KEY: secret }).store).toEqual({
      url: 'redis://127.0.0.1:6379',
      secret,
    });
    expect(loadConfig(minimal).store).toBeUndefined();
  });

  it('documents every variable once, with the same default, in --help and in the README', () => {
    const help = usage('npm start', 'summary');
    const whole = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    const readme = whole.slice(whole.indexOf('## Running it in production'), whole.indexOf('## Operating it'));
    // Rows such as | `GRPC_HOST` / `GRPC_PORT` | `0.0.0.0` / `50051` | … |: names and defaults pair up in order.
    const documented = new Map<string, string>();
    for (const [, names, defaults] of readme.matchAll(/^\| ((?:`[A-Z_]+`(?: \/ )?)+) \| ([^|]+) \|/gm)) {
      const cells = defaults!.split(' / ');
      for (const [i, name] of names!.split(' / ').entries()) documented.set(name.replace(/`/g, ''), (cells[i] ?? cells[0]!).trim());
    }
    for (const [name, , fallback] of environmentVariables) {
      expect({
        name,
        readme: documented
          .get(name)
          ?.match(/^`([^`]*)`|^(required|—)/)
          ?.slice(1)
          .find(Boolean),
      }).toEqual({ name, readme: fallback ?? expect.stringMatching(/^(required|—)$/) });
      expect(help).toContain(fallback === undefined ? `  ${name} ` : `(default ${fallback})`);
    }
    expect([...documented.keys()].filter((name) => !environmentVariables.some(([known]) => known === name))).toEqual([]);
  });
});
