import { request } from 'undici';
import { startEmulator } from '../../emulator/server';
import { createNonceSource } from '../../server/upstream/nonce-source';
import { sign, stringToSign } from '../../server/upstream/signing';

const secret = 'S3cr3tS3cr3tXYZ';
const base = { application_id: '12345', auth_key: 'AbCdEfGh12345', nonce: '4321', timestamp: '1700000000' };

// docs/quickblox-rest.md §3.4: params, HMAC-SHA1, HMAC-SHA256.
const vectors: [string, Record<string, string>, string, string][] = [
  ['app session', {}, '61b9b10b68122cdadfdeffc85e7517ce334bd83e', '8d6bbea01ca63f5d1f970261b5e86d22a4cb394730623b276b76d92428ab0739'],
  [
    'login',
    { 'user[login]': 'alice', 'user[password]': 'alicePass1!' },
    '86b9df4f54f5986b573371075d976897ac6decee',
    '2ebc9f487bad3ef8388e63ddda00ffb3d4441de92fee20a602d6615773fad479',
  ],
  [
    'email',
    { 'user[email]': 'alice@example.com', 'user[password]': 'alicePass1!' },
    'f03f764571ee32a6585ae6751d39c52b131a5a66',
    'f8ebd52711486c3ebc15ad35693ed6dbc7ac0cf5e596fadddd4817e2b8c24ec0',
  ],
  [
    'facebook token+secret',
    { provider: 'facebook', 'keys[token]': 'FBTOKEN123', 'keys[secret]': 'FBSECRET456' },
    'b6dc7353de3c38eb0ecc56bc43bf425611445973',
    'ff91f49ae76ad7b95a4d76be9b491934f9029e8240b9740cfd664f72571b28f6',
  ],
  [
    'facebook token only',
    { provider: 'facebook', 'keys[token]': 'FBTOKEN123' },
    '58f795cd1d606bd2ac144eddf8d064303a967d4e',
    '4081e787109aae0d4a98eb68c2c5293ac186cdfc80f5e68ec6caa47738d7ad42',
  ],
  [
    'firebase_phone',
    { provider: 'firebase_phone', 'firebase_phone[project_id]': 'my-fb-project', 'firebase_phone[access_token]': 'eyJhbGciOiJSUzI1NiJ9.PAYLOAD.SIG' },
    '58a2881cc98a166ada24857de29d703084ec691a',
    'bf8a7dd4f4dad9a996e31dea7cfc5f779345ec13787d1805bc9dc0fa35c7b33d',
  ],
  [
    'special characters',
    { 'user[login]': 'bob smith', 'user[password]': 'p&ss=w0rd+é' },
    '1d0106a8fa4f580d7307aca8a648492497d792cc',
    '1626cc63cb27e4d0c00d7928cfdae2483a816ad8947acb4e1dd65c5b0554618f',
  ],
];

describe('the gateway signer (docs/quickblox-rest.md §3)', () => {
  it.each(vectors)('%s: matches the SHA-1 and SHA-256 vectors', (_n, extra, sha1, sha256) => {
    const params = { ...base, ...extra };
    expect(sign(params, secret)).toBe(sha1);
    expect(sign(params, secret, 'sha256')).toBe(sha256);
    expect(sign({ ...params, signature: 'ignored' }, secret)).toBe(sha1);
  });

  it('builds the documented string (raw values, sorted)', () => {
    expect(stringToSign({ ...base, provider: 'facebook', 'keys[token]': 'T' })).toBe(
      'application_id=12345&auth_key=AbCdEfGh12345&keys[token]=T&nonce=4321&provider=facebook&timestamp=1700000000',
    );
  });

  it('is accepted by the emulator, whose verifier is written separately, over a form body', async () => {
    const e = await startEmulator({
      applications: [{ id: 12345, authKey: 'AbCdEfGh12345', authSecret: secret, users: [{ login: 'bob smith', password: 'p&ss=w0rd+!' }] }],
    });
    try {
      const next = createNonceSource();
      for (const algorithm of ['sha1', 'sha256'] as const) {
        const { timestamp, nonce } = next(Math.floor(Date.now() / 1000));
        const params = { ...base, nonce: String(nonce), timestamp: String(timestamp), 'user[login]': 'bob smith', 'user[password]': 'p&ss=w0rd+!' };
        const body = new URLSearchParams({ ...params, signature: sign(params, secret, algorithm) }).toString();
        const res = await request(`${e.url}/session.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
        expect([algorithm, res.statusCode]).toEqual([algorithm, 201]);
        await res.body.dump();
      }
    } finally {
      await e.close();
    }
  });
});

describe('the nonce source', () => {
  it('never repeats a (timestamp, nonce) pair, even past 2^20 nonces in one second or when the clock steps back', () => {
    const next = createNonceSource(5);
    const n = (1 << 20) + 10;
    const pairs = new Set<number>();
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const { timestamp, nonce } = next(i < n - 5 ? 1_700_000_000 : 1_699_999_990);
      if (!Number.isInteger(nonce) || nonce < 0 || nonce >= 2 ** 31) outOfRange++;
      pairs.add((timestamp - 1_699_999_000) * 2 ** 31 + nonce);
    }
    expect(outOfRange).toBe(0);
    expect(pairs.size).toBe(n);
  });

  it('continues a second it has used before when the timestamp goes back, and remembers two hours of seconds', () => {
    const next = createNonceSource(0);
    expect(next(1000)).toEqual({ timestamp: 1000, nonce: 0 });
    expect(next(1000)).toEqual({ timestamp: 1000, nonce: 1 });
    expect(next(8200)).toEqual({ timestamp: 8200, nonce: 0 });
    // Back to a second used before: its counter goes on.
    expect(next(1000)).toEqual({ timestamp: 1000, nonce: 2 });
    // Back to a second never used: it starts afresh, at the timestamp asked for.
    expect(next(999)).toEqual({ timestamp: 999, nonce: 0 });
    // Seconds more than two hours before the newest are forgotten once the memory fills.
    for (let s = 8201; s < 8201 + 7300; s++) next(s);
    expect(next(1000)).toEqual({ timestamp: 1000, nonce: 0 });
  });

  it('keeps two processes with different tags apart and starts each second afresh', () => {
    const a = createNonceSource(1);
    const b = createNonceSource(2);
    const fromA = new Set(Array.from({ length: 1000 }, () => a(100).nonce));
    expect(Array.from({ length: 1000 }, () => b(100).nonce).some((x) => fromA.has(x))).toBe(false);
    expect(a(101)).toEqual({ timestamp: 101, nonce: 1 << 20 });
    expect(() => createNonceSource(2048)).toThrow(RangeError);
  });
});
