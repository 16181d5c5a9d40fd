import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { Metadata, Status } from 'nice-grpc';
import { ErrorInfo, Status as RpcStatus } from '../../gen/index.google.rpc';
import { FindUserRequest, ListUsersRequest } from '../../gen/index.quickblox.v1';
import { errorInfoOf, type Stack, startStack, upstreams } from './harness';

/**
 * Hostile input as properties: generated requests for every RPC of both
 * services — hostile and huge strings, control characters, lone surrogates,
 * invalid UTF-8 bytes, out-of-range numbers, wrong or missing oneof cases,
 * inherited property names in masks — must each end in OK or a mapped status,
 * never INTERNAL or UNKNOWN; a request refused for its fields must not reach
 * the upstream; and the emulator, strict, must see no malformed request (the
 * harness fails the suite on close if it did).
 */

// npm test draws a new seed each run; CI pins one (FC_SEED in .ci/run) so that chance never decides a
// landing. A failure prints its seed and counterexample: FC_SEED=<seed> npx jest test/gateway/hostile-input.
if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });
// × 14 RPCs, plus the raw-bytes property: over 10,000 requests a run. HOSTILE_RUNS_PER_RPC=5000 hunts longer.
const runsPerRpc = Number(process.env.HOSTILE_RUNS_PER_RPC ?? 750);

const hostile = fc.constantFrom(
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  ' alice ',
  'alice',
  'alice@example.com',
  'a@b',
  '%00',
  '\u0000',
  '\r\n',
  '\u0085',
  '\uFFFD',
  '&login=bob',
  'user[login]=x',
  'a,b',
  '😀'.repeat(40),
  'x'.repeat(70),
  'x'.repeat(71),
);
const text = fc.oneof(
  { weight: 3, arbitrary: hostile },
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 256, maxLength: 70_000, unit: 'grapheme-ascii' }) },
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const int64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constantFrom(0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n),
  fc.bigInt({ min: 1n, max: 200_000_000n }),
);
const int32 = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, 1, 100, 101, -1));
// What the wire can carry in a uint32 (a negative number fails in the client library, before any request).
const uint32 = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 100, 101, 1_000_001));
const enumValue = fc.integer({ min: -3, max: 20 });
const tags = fc.array(text, { maxLength: 7 });
const mask = fc.array(fc.oneof(fc.constantFrom('login', 'email', 'full_name', 'tags', 'blob_id', 'external_id', 'avatar', '__proto__', 'constructor'), text), {
  maxLength: 5,
});
const userFields = fc.record(
  {
    login: maybe(text),
    email: maybe(text),
    fullName: maybe(text),
    phone: maybe(text),
    website: maybe(text),
    facebookId: maybe(text),
    twitterId: maybe(text),
    externalUserId: maybe(int64),
    blobId: maybe(int64),
    customData: maybe(text),
    tags,
    externalId: maybe(text),
    avatar: maybe(text),
    timezone: maybe(int32),
  },
  { requiredKeys: ['tags'] },
);
const credentials = fc.record(
  {
    method: maybe(
      fc.oneof(
        fc.record({ $case: fc.constant('loginPassword' as const), value: fc.record({ login: text, password: text }) }),
        fc.record({ $case: fc.constant('emailPassword' as const), value: fc.record({ email: text, password: text }) }),
        fc.record({
          $case: fc.constant('social' as const),
          value: fc.record({ provider: enumValue, token: text, secret: maybe(text), scope: maybe(text) }, { requiredKeys: ['provider', 'token'] }),
        }),
        fc.record({ $case: fc.constant('firebasePhone' as const), value: fc.record({ projectId: text, accessToken: text }) }),
        fc.record({ $case: fc.constant('firebaseEmail' as const), value: fc.record({ projectId: text, accessToken: text }) }),
        fc.record({ $case: fc.constant('customIdentity' as const), value: fc.record({ login: text, token: text }) }),
      ),
    ),
  },
  { requiredKeys: [] },
);
const filter = fc.record({ field: enumValue, operator: enumValue, values: fc.array(text, { maxLength: 4 }) });
// What a caller may put in qb-token: metadata values are printable ASCII on the wire.
const token = maybe(fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,60}$/), fc.constantFrom('__proto__', 'a'.repeat(5000))));

/** Each RPC: its request arbitrary and how to call it with the harness's typed clients. */
function rpcs(stack: Stack): [string, fc.Arbitrary<unknown>, (request: never, metadata: Metadata) => Promise<unknown>][] {
  const { sessions, users } = stack;
  return [
    [
      'CreateSession',
      fc.record(
        {
          subject: maybe(
            fc.oneof(
              fc.record({ $case: fc.constant('user' as const), value: credentials }),
              fc.record({ $case: fc.constant('guest' as const), value: fc.record({ login: maybe(text) }, { requiredKeys: [] }) }),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      (r, metadata) => sessions.createSession(r, { metadata }),
    ],
    ['GetSession', fc.constant({}), (r, metadata) => sessions.getSession(r, { metadata })],
    ['Login', fc.record({ credentials: maybe(credentials) }, { requiredKeys: [] }), (r, metadata) => sessions.login(r, { metadata })],
    ['Logout', fc.constant({}), (r, metadata) => sessions.logout(r, { metadata })],
    ['DestroySession', fc.constant({}), (r, metadata) => sessions.destroySession(r, { metadata })],
    ['CreateUser', fc.record({ user: maybe(userFields), password: text }, { requiredKeys: ['password'] }), (r, metadata) => users.createUser(r, { metadata })],
    ['GetUser', fc.record({ id: int64 }), (r, metadata) => users.getUser(r, { metadata })],
    ['GetUsers', fc.record({ ids: fc.array(int64, { maxLength: 120 }) }), (r, metadata) => users.getUsers(r, { metadata })],
    [
      'FindUser',
      fc.record(
        {
          key: maybe(
            fc.oneof(
              ...(['login', 'email', 'phone', 'facebookId', 'twitterId'] as const).map((c) => fc.record({ $case: fc.constant(c), value: text })),
              fc.record({ $case: fc.constant('externalUserId' as const), value: int64 }),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      (r, metadata) => users.findUser(r, { metadata }),
    ],
    [
      'ListUsers',
      fc.record(
        {
          query: maybe(
            fc.oneof(
              fc.record({
                $case: fc.constant('filter' as const),
                value: fc.record(
                  { filters: fc.array(filter, { maxLength: 12 }), order: maybe(fc.record({ field: enumValue, direction: enumValue })) },
                  { requiredKeys: ['filters'] },
                ),
              }),
              fc.record({ $case: fc.constant('fullName' as const), value: text }),
              fc.record({ $case: fc.constant('tags' as const), value: fc.record({ tags }) }),
            ),
          ),
          page: maybe(uint32),
          perPage: maybe(uint32),
        },
        { requiredKeys: [] },
      ),
      (r, metadata) => users.listUsers(r, { metadata }),
    ],
    [
      'UpdateUser',
      fc.record({ id: int64, user: maybe(userFields), updateMask: maybe(mask), password: maybe(text), oldPassword: maybe(text) }, { requiredKeys: ['id'] }),
      (r, metadata) => users.updateUser(r, { metadata }),
    ],
    [
      'DeleteUser',
      fc.record(
        {
          target: maybe(
            fc.oneof(
              fc.record({ $case: fc.constant('id' as const), value: int64 }),
              fc.record({ $case: fc.constant('externalUserId' as const), value: int64 }),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      (r, metadata) => users.deleteUser(r, { metadata }),
    ],
    ['ResetPassword', fc.record({ email: text }), (r, metadata) => users.resetPassword(r, { metadata })],
    ['CreateUserToken', fc.record({ userId: int64 }), (r, metadata) => users.createUserToken(r, { metadata })],
  ];
}

const forbidden = new Set([Status.INTERNAL, Status.UNKNOWN]);

// Both upstreams, in turn: every property holds in front of each.
describe.each(upstreams)('in front of %s', (upstream) => {
  let stack: Stack;
  let sent = 0;
  beforeAll(async () => {
    stack = await startStack({ upstream });
    sent = 0;
  });
  afterAll(() => stack.close()); // fails if the strict emulator saw a malformed request

  describe.each([
    'CreateSession',
    'GetSession',
    'Login',
    'Logout',
    'DestroySession',
    'CreateUser',
    'GetUser',
    'GetUsers',
    'FindUser',
    'ListUsers',
    'UpdateUser',
    'DeleteUser',
    'ResetPassword',
    'CreateUserToken',
  ])('%s with generated requests', (name) => {
    it('ends in OK or a mapped status, and a request refused for its fields never reaches the upstream', async () => {
      const [, arbitrary, call] = rpcs(stack).find(([rpc]) => rpc === name)!;
      await fc.assert(
        fc.asyncProperty(arbitrary, token, async (request, qbToken) => {
          const metadata = Metadata(qbToken === undefined ? {} : { 'qb-token': qbToken });
          const before = stack.emulator.state.received;
          sent++;
          try {
            await call(request as never, metadata);
          } catch (e) {
            const error = e as { code?: Status; details?: string };
            if (error.code === undefined || forbidden.has(error.code))
              throw new Error(`${name} answered ${Status[error.code ?? Status.UNKNOWN]}: ${error.details}`);
            if (errorInfoOf(e as never)?.reason === 'INVALID_ARGUMENT' && stack.emulator.state.received !== before) {
              throw new Error(`${name}: refused as INVALID_ARGUMENT after sending ${stack.emulator.state.received - before} upstream requests`);
            }
          }
        }),
        { numRuns: runsPerRpc },
      );
    }, 120_000);
  });

  describe('bytes that are not UTF-8 in any string field', () => {
    /** Sends raw request bytes, as no client library would write them from a string. */
    const raw = (path: string, bytes: Uint8Array) =>
      new Promise<grpc.ServiceError | undefined>((resolve) => {
        const client = new grpc.Client(`127.0.0.1:${stack.gateway.port}`, grpc.credentials.createInsecure());
        client.makeUnaryRequest(
          path,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from(bytes),
          (e) => {
            client.close();
            resolve(e ?? undefined);
          },
        );
      });
    const invalid = fc.constantFrom([0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]);

    it('is INVALID_ARGUMENT naming the field, and nothing goes upstream', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }), invalid, fc.boolean(), async (prefix, bad, asList) => {
          // A 4-byte sentinel in the encoded message is swapped for the invalid bytes, lengths patched by re-encoding around it.
          const value = `${prefix}\u0001\u0002\u0003\u0004`;
          const encoded = asList
            ? ListUsersRequest.encode({ query: { $case: 'fullName', value } }).finish()
            : FindUserRequest.encode({ key: { $case: 'twitterId', value } }).finish();
          const at = Buffer.from(encoded).indexOf(Buffer.from([1, 2, 3, 4]));
          const bytes = Buffer.concat([encoded.subarray(0, at), Buffer.from(bad), encoded.subarray(at + 4)]);
          // The length prefix just before the string counts the sentinel's 4 bytes: adjust it for the new ones.
          bytes[at - prefix.length - 1] = prefix.length + bad.length;
          const before = stack.emulator.state.received;
          sent++;
          const error = await raw(asList ? '/quickblox.v1.UserService/ListUsers' : '/quickblox.v1.UserService/FindUser', bytes);
          if (error?.code !== grpc.status.INVALID_ARGUMENT) throw new Error(`expected INVALID_ARGUMENT, got ${error ? grpc.status[error.code] : 'OK'}`);
          const details = RpcStatus.decode(error.metadata.get('grpc-status-details-bin')[0] as Buffer).details;
          const info = details.find((d) => d.typeUrl.endsWith('ErrorInfo'));
          if (ErrorInfo.decode(info!.value).reason !== 'INVALID_ARGUMENT') throw new Error('not the INVALID_ARGUMENT reason');
          if (stack.emulator.state.received !== before) throw new Error('a request with invalid UTF-8 reached the upstream');
        }),
        { numRuns: 300 },
      );
    }, 120_000);
  });

  it(`sent at least 10,000 generated requests to ${upstream}, and the strict emulator refused none as malformed`, () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(stack.emulator.state.malformed).toEqual([]);
  });
});
