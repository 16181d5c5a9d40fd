import { Params } from '../../emulator/params';
import { signatureMatches, stringToSign } from '../../emulator/signature';

const secret = 'S3cr3tS3cr3tXYZ';
const base = 'application_id=12345&auth_key=AbCdEfGh12345&nonce=4321&timestamp=1700000000';

// docs/quickblox-rest.md §3.4: string to sign, HMAC-SHA1, HMAC-SHA256.
const vectors: [string, string, string, string][] = [
  ['app session', base, '61b9b10b68122cdadfdeffc85e7517ce334bd83e', '8d6bbea01ca63f5d1f970261b5e86d22a4cb394730623b276b76d92428ab0739'],
  [
    'login',
    `${base}&user[login]=alice&user[password]=alicePass1!`,
    '86b9df4f54f5986b573371075d976897ac6decee',
    '2ebc9f487bad3ef8388e63ddda00ffb3d4441de92fee20a602d6615773fad479',
  ],
  [
    'email',
    `${base}&user[email]=alice@example.com&user[password]=alicePass1!`,
    'f03f764571ee32a6585ae6751d39c52b131a5a66',
    'f8ebd52711486c3ebc15ad35693ed6dbc7ac0cf5e596fadddd4817e2b8c24ec0',
  ],
  [
    'facebook token+secret',
    'application_id=12345&auth_key=AbCdEfGh12345&keys[secret]=FBSECRET456&keys[token]=FBTOKEN123&nonce=4321&provider=facebook&timestamp=1700000000',
    'b6dc7353de3c38eb0ecc56bc43bf425611445973',
    'ff91f49ae76ad7b95a4d76be9b491934f9029e8240b9740cfd664f72571b28f6',
  ],
  [
    'facebook token only',
    'application_id=12345&auth_key=AbCdEfGh12345&keys[token]=FBTOKEN123&nonce=4321&provider=facebook&timestamp=1700000000',
    '58f795cd1d606bd2ac144eddf8d064303a967d4e',
    '4081e787109aae0d4a98eb68c2c5293ac186cdfc80f5e68ec6caa47738d7ad42',
  ],
  [
    'firebase_phone',
    'application_id=12345&auth_key=AbCdEfGh12345&firebase_phone[access_token]=eyJhbGciOiJSUzI1NiJ9.PAYLOAD.SIG&firebase_phone[project_id]=my-fb-project&nonce=4321&provider=firebase_phone&timestamp=1700000000',
    '58a2881cc98a166ada24857de29d703084ec691a',
    'bf8a7dd4f4dad9a996e31dea7cfc5f779345ec13787d1805bc9dc0fa35c7b33d',
  ],
];

/** The special-characters row travels percent-encoded and is signed decoded. */
const specialWire = 'application_id=12345&auth_key=AbCdEfGh12345&nonce=4321&timestamp=1700000000&user[login]=bob%20smith&user[password]=p%26ss%3Dw0rd%2B%C3%A9';

function fromSigned(message: string, signature: string): Params {
  // Build from the raw pairs (values may hold no `&` here), as a form body would arrive.
  const p = new Params();
  for (const pair of message.split('&')) {
    const i = pair.indexOf('=');
    p.add(pair.slice(0, i), pair.slice(i + 1));
  }
  p.add('signature', signature);
  return p;
}

describe('signature verification (docs/quickblox-rest.md §3)', () => {
  it.each(vectors)('%s: string to sign, SHA-1 and SHA-256 vectors verify', (_name, message, sha1, sha256) => {
    expect(stringToSign(fromSigned(message, sha1))).toBe(message);
    expect(signatureMatches(fromSigned(message, sha1), secret)).toBe(true);
    expect(signatureMatches(fromSigned(message, sha256), secret)).toBe(true);
    expect(signatureMatches(fromSigned(message, sha1.toUpperCase()), secret)).toBe(true);
  });

  it('signs the decoded values of a percent-encoded form body (special characters row)', () => {
    const p = Params.fromSearch(specialWire);
    expect(stringToSign(p)).toBe(`${base}&user[login]=bob smith&user[password]=p&ss=w0rd+é`);
    p.add('signature', '1d0106a8fa4f580d7307aca8a648492497d792cc');
    expect(signatureMatches(p, secret)).toBe(true);
    const sha256 = Params.fromSearch(`${specialWire}&signature=1626cc63cb27e4d0c00d7928cfdae2483a816ad8947acb4e1dd65c5b0554618f`);
    expect(signatureMatches(sha256, secret)).toBe(true);
  });

  it('reads nested JSON, flat bracket keys in JSON and JSON numbers as the same signed string', () => {
    const nested = Params.fromJson({
      application_id: 12345,
      auth_key: 'AbCdEfGh12345',
      nonce: 4321,
      timestamp: 1700000000,
      user: { login: 'alice', password: 'alicePass1!' },
      signature: '86b9df4f54f5986b573371075d976897ac6decee',
    });
    const flat = Params.fromJson({
      application_id: '12345',
      auth_key: 'AbCdEfGh12345',
      nonce: '4321',
      timestamp: '1700000000',
      'user[login]': 'alice',
      'user[password]': 'alicePass1!',
      signature: '86b9df4f54f5986b573371075d976897ac6decee',
    });
    expect(signatureMatches(nested, secret)).toBe(true);
    expect(signatureMatches(flat, secret)).toBe(true);
  });

  it('refuses a wrong secret, a changed parameter, an extra parameter and malformed signatures', () => {
    const [, message, sha1] = vectors[1]!;
    expect(signatureMatches(fromSigned(message, sha1), 'other')).toBe(false);
    expect(signatureMatches(fromSigned(message.replace('alice&', 'alicf&'), sha1), secret)).toBe(false);
    const extra = fromSigned(message, sha1);
    extra.add('auth_secret', secret); // the Stack Overflow case: extras are signed too
    expect(signatureMatches(extra, secret)).toBe(false);
    for (const bad of ['', 'xyz', sha1.slice(1), `${sha1}00`, 'g'.repeat(40)]) {
      expect(signatureMatches(fromSigned(message, bad), secret)).toBe(false);
    }
  });

  it('verifies the ConnectyCube vectors, which use the same algorithm', () => {
    const cc = 'application_id=21&auth_key=AUTHKEY&nonce=1234&timestamp=1700000000';
    expect(signatureMatches(fromSigned(cc, '8f82034f8789ffdfdb21560a830b2fd0bc8783be'), 'SECRET')).toBe(true);
    const twitter = 'application_id=21&auth_key=AUTHKEY&keys[secret]=S&keys[token]=T&nonce=1234&provider=twitter&timestamp=1700000000';
    expect(signatureMatches(fromSigned(twitter, 'ffbd59d0fea6165e200e38ac5e4a1c4ee65c7d74'), 'SECRET')).toBe(true);
  });
});
