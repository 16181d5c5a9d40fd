import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../server/config/load-config';

const dir = mkdtempSync(join(tmpdir(), 'qb-applications-file-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const two = [
  'default: main',
  'applications:',
  '  - name: main',
  '    upstream: quickblox',
  '    applicationId: 76730',
  '    authKey: MainAuthKey123',
  '    authSecret: MainSecret123',
  '    apiKey: main-api-key',
  '    rateLimit: 80',
  '  - name: staging',
  '    upstream: connectycube',
  '    applicationId: 4321',
  '    authKey: CubeAuthKey123',
  '    endpoint: https://api.example.test/',
  '    timeoutMs: 2500',
  '    coalesceWindowMs: 0',
].join('\n');

describe('GATEWAY_APPLICATIONS_FILE', () => {
  it('reads the applications, each with the environment as its defaults and its own overrides', () => {
    const config = loadConfig({ GATEWAY_APPLICATIONS_FILE: file('two.yaml', two), QB_UPSTREAM_TIMEOUT_MS: '7000', QB_COALESCE_WINDOW_MS: '3' });
    expect(config.defaultApplication).toBe('main');
    expect(config.applications).toEqual([
      {
        name: 'main',
        coalesceWindowMs: 3,
        upstream: expect.objectContaining({
          name: 'quickblox',
          applicationId: 76730,
          endpoint: 'https://api.quickblox.com',
          apiKey: 'main-api-key',
          timeoutMs: 7000,
          rateLimit: { perSecond: 80, maxWaitMs: 1000 },
          breaker: { failures: 5, openMs: 5000 },
        }),
      },
      {
        name: 'staging',
        coalesceWindowMs: 0,
        upstream: expect.objectContaining({
          name: 'connectycube',
          applicationId: 4321,
          authSecret: undefined,
          endpoint: 'https://api.example.test',
          timeoutMs: 2500,
          rateLimit: undefined,
        }),
      },
    ]);
  });

  it('makes the one application of a file the default, and JSON is YAML', () => {
    const json = JSON.stringify({ applications: [{ name: 'only', upstream: 'connectycube', applicationId: 1, authKey: 'K1234567' }] });
    expect(loadConfig({ GATEWAY_APPLICATIONS_FILE: file('one.json', json) }).defaultApplication).toBe('only');
  });

  it('names every problem at once, with its place in the file, and never repeats a secret', () => {
    const bad = [
      'applications:',
      '  - { name: Main, upstream: quickblox, applicationId: 0, authKey: "has space" }',
      '  - { name: b, upstream: parse, applicationId: 2, authKey: K2, extra: 1 }',
    ].join('\n');
    const list = problems({ GATEWAY_APPLICATIONS_FILE: file('bad.yaml', bad) });
    const at = (path: string) => expect.stringMatching(new RegExp(`^GATEWAY_APPLICATIONS_FILE .*bad\\.yaml: ${path.replace(/[[\].]/g, '\\$&')} `));
    expect(list).toEqual(
      expect.arrayContaining([at('applications[0].name'), at('applications[0].applicationId'), at('applications[0].authKey'), at('applications[1].upstream')]),
    );
    expect(list.some((p) => p.includes('extra'))).toBe(true);
    expect(list.join('\n')).not.toContain('has space');
  });

  it('checks what each upstream takes, the names, the default, and the variables it replaces', () => {
    const text = [
      'default: prod',
      'applications:',
      '  - { name: a, upstream: quickblox, applicationId: 1, authKey: K1234567 }',
      '  - { name: a, upstream: connectycube, applicationId: 2, authKey: K7654321, apiKey: nope-key }',
    ].join('\n');
    const list = problems({ GATEWAY_APPLICATIONS_FILE: file('rules.yaml', text), QB_APPLICATION_ID: '5', QB_AUTH_KEY: 'x' });
    expect(list).toEqual([
      'QB_APPLICATION_ID, QB_AUTH_KEY are set with GATEWAY_APPLICATIONS_FILE, which describes every application: move them into the file',
      expect.stringMatching(/rules\.yaml: applications\[0\]\.authSecret is required: QuickBlox signs every session request$/),
      expect.stringMatching(/rules\.yaml: applications\[1\]\.name "a" is used twice$/),
      expect.stringMatching(/rules\.yaml: applications\[1\]\.apiKey does not apply: ConnectyCube has no server API key$/),
      expect.stringMatching(/rules\.yaml: default "prod" names no application \(a\)$/),
    ]);
    const many =
      'applications:\n  - { name: a, upstream: connectycube, applicationId: 1, authKey: K1 }\n  - { name: b, upstream: connectycube, applicationId: 2, authKey: K2 }';
    expect(problems({ GATEWAY_APPLICATIONS_FILE: file('many.yaml', many) })).toEqual([
      expect.stringMatching(/many\.yaml: default is required with more than one application/),
    ]);
  });

  it('lets the policy grant applications and owner powers per application, naming only applications that exist', () => {
    const policy = file(
      'policy.yaml',
      ['callers:', `  - { name: web, bearerKeySha256: ${'a'.repeat(64)}, methods: ["*"], applications: [main, nope], ownerPowers: [prod] }`].join('\n'),
    );
    expect(problems({ GATEWAY_APPLICATIONS_FILE: file('two-again.yaml', two), GATEWAY_POLICY_FILE: policy })).toEqual([
      expect.stringMatching(/policy\.yaml: callers\[0\]\.applications "nope" names no application of the gateway \(main, staging\)$/),
      expect.stringMatching(/policy\.yaml: callers\[0\]\.ownerPowers "prod" names no application of the gateway \(main, staging\)$/),
    ]);
  });
});
