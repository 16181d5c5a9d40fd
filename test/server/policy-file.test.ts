import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createQuota } from '../../server/callers/quota';
import { ConfigError, loadConfig } from '../../server/config/load-config';
import { loadPolicy } from '../../server/config/load-policy';

const minimal = { QB_APPLICATION_ID: '12345', QB_AUTH_KEY: 'AbCdEfGh12345', QB_AUTH_SECRET: 'S3cr3tS3cr3tXYZ' };
const digest = createHash('sha256').update('some-key').digest('hex');

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'qb-policy-test-')), name);
  writeFileSync(path, text);
  return path;
}

describe('the caller policy file', () => {
  it('reads YAML (and so JSON), with the defaults', () => {
    const path = file(
      'policy.yaml',
      ['callers:', '  - name: orders', `    bearerKeySha256: ${digest}`, '    methods: ["quickblox.v1.UserService/*"]', '    callsPerSecond: 50'].join('\n'),
    );
    expect(loadPolicy(path, ['default'])).toEqual({
      file: path,
      anonymous: { methods: ['*'], ownerPowers: false },
      callers: [
        { name: 'orders', identity: { kind: 'bearer', keySha256: digest }, methods: ['quickblox.v1.UserService/*'], ownerPowers: false, callsPerSecond: 50 },
      ],
      jwt: undefined,
    });
    expect(loadConfig({ ...minimal, GATEWAY_POLICY_FILE: path }).policy?.callers).toHaveLength(1);
  });

  it('names the file, the path in it and what is wrong, for every problem at once', () => {
    const path = file(
      'policy.json',
      JSON.stringify({
        callers: [
          { name: 'Orders Service', bearerKeySha256: 'the-key-itself', methods: ['quickblox.v1.UserService/Nope'] },
          { name: 'two-identities', bearerKeySha256: digest, jwtSubject: 'x', methods: ['*'] },
          { name: 'anonymous', certificate: { commonName: 'a' }, methods: [] },
        ],
        unknown: true,
      }),
    );
    const result = loadPolicy(path, ['default']);
    expect('problems' in result && result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^GATEWAY_POLICY_FILE ${path}: callers\\[0\\]\\.name must be 1 to 63 of`)),
        `GATEWAY_POLICY_FILE ${path}: callers[0].bearerKeySha256 must be the SHA-256 of the key in 64 lowercase hex digits (printf %s KEY | sha256sum), never the key`,
        `GATEWAY_POLICY_FILE ${path}: callers[0].methods[0] "quickblox.v1.UserService/Nope" names no method of the gateway (use *, package.Service/* or package.Service/Method)`,
        `GATEWAY_POLICY_FILE ${path}: callers[1] needs exactly one of bearerKeySha256, certificate, jwtSubject`,
        `GATEWAY_POLICY_FILE ${path}: callers[2].name anonymous is the name of calls without credentials`,
        `GATEWAY_POLICY_FILE ${path}: callers[2].methods must name at least one method pattern`,
        expect.stringMatching(new RegExp(`^GATEWAY_POLICY_FILE ${path} .*unknown`, 'i')),
      ]),
    );
    // The key's hash is echoed nowhere, and neither is anything that looks like a key.
    expect(JSON.stringify(result)).not.toContain(digest);
  });

  it('refuses a file that cannot be read or parsed, a JWT caller without the jwt section, and duplicate names', () => {
    expect(loadPolicy('/nonexistent/policy.yaml', ['default'])).toEqual({ problems: ['GATEWAY_POLICY_FILE /nonexistent/policy.yaml cannot be read: ENOENT'] });
    const broken = file('broken.yaml', 'callers: [ {name: x');
    expect((loadPolicy(broken, ['default']) as { problems: string[] }).problems[0]).toMatch(new RegExp(`^GATEWAY_POLICY_FILE ${broken} is not YAML or JSON: `));
    const jwt = file('jwt.yaml', 'callers:\n  - {name: web, jwtSubject: web, methods: ["*"]}\n  - {name: web, certificate: {commonName: w}, methods: ["*"]}\n');
    expect((loadPolicy(jwt, ['default']) as { problems: string[] }).problems).toEqual([
      `GATEWAY_POLICY_FILE ${jwt}: callers[0].jwtSubject needs the jwt section (issuer, audience, JWKS)`,
      `GATEWAY_POLICY_FILE ${jwt}: callers[1].name "web" is used twice`,
    ]);
    expect(() => loadConfig({ ...minimal, GATEWAY_POLICY_FILE: jwt })).toThrow(ConfigError);
  });
});

describe('a caller quota', () => {
  it('lets at most N calls through in any one second, and says how long until the next fits', () => {
    let now = 10_000;
    const quota = createQuota(2, () => now);
    expect([quota.take(), quota.take(), quota.take()]).toEqual([undefined, undefined, 1000]);
    now += 600;
    expect(quota.take()).toBe(400);
    now += 400;
    expect([quota.take(), quota.take(), quota.take()]).toEqual([undefined, undefined, 1000]);
  });
});
