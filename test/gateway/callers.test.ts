import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ChannelCredentials, createChannel, createClient, Metadata, Status } from 'nice-grpc';
import { UserServiceDefinition } from '../../gen/index.quickblox.v1';
import { type Pem, selfSignedCertificate } from '../support/certificates';
import { errorInfoOf, expectError, retryInfoOf, type Stack, startStack, writePolicy } from './harness';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const bearer = (credential: string) => ({ metadata: Metadata({ authorization: `Bearer ${credential}` }) });
const keys = { owner: 'owner-key-0123456789abcdef', reader: 'reader-key-0123456789abcdef', limited: 'limited-key-0123456789abcdef' };

describe('without a policy file', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ policy: false });
  });
  afterAll(() => stack.close());

  it('serves every caller as anonymous: reads work, owner powers are refused to everyone', async () => {
    expect((await stack.users.getUser({ id: stack.idOf('alice') })).user!.login).toBe('alice');
    const before = stack.emulator.state.requestLog.length;
    for (const call of [
      stack.users.createUserToken({ userId: stack.idOf('bob') }),
      stack.users.updateUser({ id: stack.idOf('bob'), password: 'takenOver123' }),
      stack.users.deleteUser({ target: { $case: 'id', value: stack.idOf('bob') } }),
      // A bearer key is no grant without a policy that names it.
      stack.users.createUserToken({ userId: stack.idOf('bob') }, bearer(keys.owner)),
    ]) {
      const error = await expectError(call, { code: Status.PERMISSION_DENIED, reason: 'OWNER_POWERS_NOT_GRANTED' });
      expect(errorInfoOf(error)!.metadata.caller).toBe('anonymous');
    }
    expect(stack.emulator.state.requestLog.length).toBe(before);
  });

  it('says once at start that QB_API_KEY is set without a policy', () => {
    const warnings = stack.logs.filter((l) => l.includes('GATEWAY_POLICY_FILE is not'));
    expect(warnings).toHaveLength(1);
  });
});

describe('bearer keys and method patterns', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      policy: {
        anonymous: { methods: ['quickblox.v1.UserService/GetUser'] },
        callers: [
          { name: 'owner', bearerKeySha256: sha256(keys.owner), methods: ['*'], ownerPowers: true },
          { name: 'reader', bearerKeySha256: sha256(keys.reader), methods: ['quickblox.v1.UserService/*'] },
          { name: 'limited', bearerKeySha256: sha256(keys.limited), methods: ['quickblox.v1.UserService/GetUser'], callsPerSecond: 2 },
        ],
      },
    });
  });
  afterAll(() => stack.close());

  it('grants owner powers to the caller the policy names, and audits each use without a secret', async () => {
    const { token } = await stack.users.createUserToken({ userId: stack.idOf('bob') }, bearer(keys.owner));
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    const audit = stack.logs.map((l) => JSON.parse(l)).filter((l) => l.audit === 'owner_powers');
    expect(audit).toEqual([expect.objectContaining({ caller: 'owner', method: 'CreateUserToken', target: `id:${stack.idOf('bob')}`, outcome: 'OK' })]);
    expect(JSON.stringify(audit)).not.toContain(keys.owner);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('refuses owner powers to a caller without the grant, naming it', async () => {
    const error = await expectError(stack.users.updateUser({ id: stack.idOf('bob'), password: 'takenOver123' }, bearer(keys.reader)), {
      code: Status.PERMISSION_DENIED,
      reason: 'OWNER_POWERS_NOT_GRANTED',
    });
    expect(errorInfoOf(error)!.metadata.caller).toBe('reader');
    expect(error.details).toContain('caller "reader"');
  });

  it("refuses a method outside the caller's patterns, anonymous included, and nothing goes upstream", async () => {
    const before = stack.emulator.state.requestLog.length;
    const error = await expectError(stack.sessions.createSession({}, bearer(keys.reader)), { code: Status.PERMISSION_DENIED, reason: 'METHOD_NOT_ALLOWED' });
    expect(errorInfoOf(error)!.metadata).toMatchObject({ caller: 'reader', method: 'quickblox.v1.SessionService/CreateSession' });
    await expectError(stack.users.listUsers({}), { code: Status.PERMISSION_DENIED, reason: 'METHOD_NOT_ALLOWED' });
    expect(stack.emulator.state.requestLog.length).toBe(before);
    expect((await stack.users.getUser({ id: stack.idOf('alice') })).user!.login).toBe('alice');
    expect((await stack.users.listUsers({}, bearer(keys.reader))).users.length).toBeGreaterThan(0);
  });

  it('refuses unknown and malformed credentials as UNAUTHENTICATED, never as anonymous', async () => {
    const before = stack.emulator.state.requestLog.length;
    for (const authorization of ['Bearer not-a-key-of-the-policy', 'Basic dXNlcjpwYXNz', 'Bearer', `Bearer ${keys.owner}x`]) {
      await expectError(stack.users.getUser({ id: stack.idOf('alice') }, { metadata: Metadata({ authorization }) }), {
        code: Status.UNAUTHENTICATED,
        reason: 'CALLER_UNAUTHENTICATED',
      });
    }
    expect(stack.emulator.state.requestLog.length).toBe(before);
  });

  it('holds a caller to its quota of calls per second, with RetryInfo', async () => {
    await stack.users.getUser({ id: stack.idOf('alice') }, bearer(keys.limited));
    await stack.users.getUser({ id: stack.idOf('alice') }, bearer(keys.limited));
    const error = await expectError(stack.users.getUser({ id: stack.idOf('alice') }, bearer(keys.limited)), {
      code: Status.RESOURCE_EXHAUSTED,
      reason: 'CALLER_QUOTA_EXCEEDED',
    });
    expect(retryInfoOf(error)!.retryDelay!.seconds).toBeGreaterThanOrEqual(1);
  });

  it('counts calls per caller with bounded labels', async () => {
    const text = await stack.gateway.metrics.registry.metrics();
    expect(text).toMatch(/qb_caller_calls_total\{application="default",caller="owner",method="\/quickblox.v1.UserService\/CreateUserToken",code="OK"\} 1/);
    expect(text).toMatch(
      /qb_caller_calls_total\{application="default",caller="anonymous",method="\/quickblox.v1.UserService\/ListUsers",code="PERMISSION_DENIED"\} 1/,
    );
    // A rejected credential names no caller: it is not counted under a made-up one.
    expect(text).not.toContain('not-a-key-of-the-policy');
  });
});

/** A self-signed client certificate (its own CA) with this common name and URI names. */
const clientCertificate = (commonName: string, uris: string[] = []) =>
  selfSignedCertificate(
    commonName,
    'clientAuth',
    uris.map((value) => ({ type: 6 as const, value })),
  );

describe('client certificates (mutual TLS)', () => {
  let stack: Stack;
  let server: Pem;
  const certs: Record<string, Pem> = {};
  beforeAll(async () => {
    server = await selfSignedCertificate('localhost', 'serverAuth', [{ type: 2, value: 'localhost' }]);
    certs.admin = await clientCertificate('admin-console');
    certs.billing = await clientCertificate('billing-worker', ['spiffe://example.org/billing']);
    certs.stranger = await clientCertificate('stranger');
    const policyFile = writePolicy(
      {
        anonymous: { methods: ['*'] },
        callers: [
          { name: 'admin', certificate: { commonName: 'admin-console' }, methods: ['*'], ownerPowers: true },
          { name: 'billing', certificate: { uri: 'spiffe://example.org/billing' }, methods: ['quickblox.v1.UserService/GetUser'] },
        ],
      },
      {
        'server.pem': server.cert,
        'server.key': server.key,
        'clients.pem': Object.values(certs)
          .map((c) => c.cert)
          .join('\n'),
      },
    );
    const dir = policyFile.replace(/policy\.json$/, '');
    stack = await startStack({
      policy: false,
      env: {
        GATEWAY_POLICY_FILE: policyFile,
        GRPC_TLS_CERT_FILE: `${dir}server.pem`,
        GRPC_TLS_KEY_FILE: `${dir}server.key`,
        GRPC_TLS_CLIENT_CA_FILE: `${dir}clients.pem`,
      },
    });
  });
  afterAll(() => stack.close());

  const clientWith = (cert: Pem) => {
    const channel = createChannel(
      `localhost:${stack.gateway.port}`,
      ChannelCredentials.createSsl(Buffer.from(server.cert), Buffer.from(cert.key), Buffer.from(cert.cert)),
    );
    return { channel, users: createClient(UserServiceDefinition, channel) };
  };

  it('names the caller by the subject common name or a URI name, and refuses a certificate the policy does not name', async () => {
    const admin = clientWith(certs.admin!);
    const billing = clientWith(certs.billing!);
    const stranger = clientWith(certs.stranger!);
    try {
      expect((await admin.users.createUserToken({ userId: stack.idOf('alice') })).token).toMatch(/^[0-9a-f]{40}$/);
      expect((await billing.users.getUser({ id: stack.idOf('alice') })).user!.login).toBe('alice');
      await expect(billing.users.createUserToken({ userId: stack.idOf('alice') })).rejects.toMatchObject({ code: Status.PERMISSION_DENIED });
      await expect(stranger.users.getUser({ id: stack.idOf('alice') })).rejects.toMatchObject({ code: Status.UNAUTHENTICATED });
    } finally {
      for (const c of [admin, billing, stranger]) c.channel.close();
    }
  });

  it('ignores a certificate claimed in metadata: only the TLS handshake names one', async () => {
    const billing = clientWith(certs.billing!);
    try {
      const claim = Metadata({ 'x-qb-gateway-peer-certificate': JSON.stringify({ cn: 'admin-console', uris: [] }) });
      await expect(billing.users.createUserToken({ userId: stack.idOf('alice') }, { metadata: claim })).rejects.toMatchObject({
        code: Status.PERMISSION_DENIED,
      });
    } finally {
      billing.channel.close();
    }
  });
});

describe('JWTs', () => {
  const issuer = 'https://auth.example.test';
  const audience = 'qb-grpc-gateway';
  let keyPair: Awaited<ReturnType<typeof generateKeyPair>>;
  let otherKeyPair: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwks: { keys: unknown[] };
  const stacks: Stack[] = [];
  let jwksServer: ReturnType<typeof createServer>;

  const token = (claims: { sub?: string; iss?: string; aud?: string; exp?: number | string }, signer = keyPair, kid = 'k1') =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(claims.sub ?? 'web-backend')
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? '5m')
      .sign(signer.privateKey);

  beforeAll(async () => {
    keyPair = await generateKeyPair('ES256');
    otherKeyPair = await generateKeyPair('ES256');
    jwks = { keys: [{ ...(await exportJWK(keyPair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
    jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    jwksServer.listen(0, '127.0.0.1');
    await once(jwksServer, 'listening');
    const callers = [{ name: 'web', jwtSubject: 'web-backend', methods: ['quickblox.v1.UserService/*'], ownerPowers: true }];
    const fromFile = writePolicy(
      { callers, jwt: { issuer, audience, jwksFile: 'jwks.json', clockToleranceSeconds: 5 } },
      { 'jwks.json': JSON.stringify(jwks) },
    );
    const url = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    const fromUrl = writePolicy({ callers, jwt: { issuer, audience, jwksUrl: url, clockToleranceSeconds: 5 } });
    for (const file of [fromFile, fromUrl]) stacks.push(await startStack({ policy: false, env: { GATEWAY_POLICY_FILE: file } }));
  });
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.close()));
    jwksServer.close();
  });

  it.each([
    ['a JWKS file', 0],
    ['a JWKS served on loopback', 1],
  ])('accepts a valid JWT against %s and refuses expired, wrong issuer, wrong audience, unknown key, unknown subject', async (_name, index) => {
    const stack = stacks[index as number]!;
    const alice = stack.idOf('alice');
    expect((await stack.users.createUserToken({ userId: alice }, bearer(await token({})))).token).toMatch(/^[0-9a-f]{40}$/);
    const refused: [string, string][] = [
      ['expired', await token({ exp: Math.floor(Date.now() / 1000) - 60 })],
      ['wrong issuer', await token({ iss: 'https://elsewhere.test' })],
      ['wrong audience', await token({ aud: 'another-service' })],
      ['unknown key', await token({}, otherKeyPair, 'k2')],
      ['forged with a known key id', await token({}, otherKeyPair, 'k1')],
      ['unknown subject', await token({ sub: 'someone-else' })],
    ];
    const before = stack.emulator.state.requestLog.length;
    for (const [why, jwt] of refused) {
      const error = await expectError(stack.users.getUser({ id: alice }, bearer(jwt)), { code: Status.UNAUTHENTICATED, reason: 'CALLER_UNAUTHENTICATED' });
      expect({ why, details: error.details }).toEqual({ why, details: expect.stringContaining('not') });
      expect(error.details).not.toContain(jwt);
    }
    expect(stack.emulator.state.requestLog.length).toBe(before);
  });
});

describe('an anonymous call under a policy', () => {
  it('gets what the policy gives anonymous, and nothing gets owner powers without a grant', async () => {
    const stack = await startStack({ policy: { anonymous: { methods: ['*'], ownerPowers: false }, callers: [] } });
    try {
      expect((await stack.users.getUser({ id: stack.idOf('alice') })).user!.login).toBe('alice');
      await expectError(stack.users.createUserToken({ userId: stack.idOf('alice') }), { code: Status.PERMISSION_DENIED, reason: 'OWNER_POWERS_NOT_GRANTED' });
    } finally {
      await stack.close();
    }
  });
});
