import { request } from 'undici';
import { startEmulator } from '../../emulator';
import { wireProblems } from '../../emulator/wire-check';
import { app } from './harness';

describe('strict mode (strictRequests)', () => {
  it('finds unexpected keys, repeated keys, unclean encoding and bytes that are not UTF-8, naming keys only', () => {
    expect(wireProblems('GET /users/by_login.json', 'login=alice', undefined)).toEqual([]);
    expect(wireProblems('GET /users.json', 'filter[]=a&filter[]=b&page=2', undefined)).toEqual([]);
    expect(wireProblems('PUT /users/{id}.json', '', 'user[full_name]=A%20B&user[password]=x')).toEqual([]);
    expect(wireProblems('GET /users/by_login.json', 'login=alice&admin=1', undefined)).toEqual(['GET /users/by_login.json takes no key "admin"']);
    expect(wireProblems('GET /users.json', 'page=1&page=2', undefined)).toEqual(['the key "page" is repeated']);
    expect(wireProblems('GET /users/by_login.json', 'login=a b', undefined)).toEqual([
      'the query is not clean form encoding (a character that must be percent-encoded, or a bad escape)',
    ]);
    expect(wireProblems('GET /users/by_login.json', 'login=%zz', undefined)).toHaveLength(1);
    expect(wireProblems('GET /users/by_twitter_id.json', 'twitter_id=%FF%FEA', undefined)).toEqual([
      'the query has bytes that are not UTF-8 (key "twitter_id")',
    ]);
    expect(wireProblems('POST /users.json', '', 'user[login]=secret-looking&user[is_admin]=true')).toEqual(['POST /users.json takes no key "user[is_admin]"']);
  });

  it('refuses a malformed request with 400 and records it', async () => {
    const emulator = await startEmulator({ applications: [structuredClone(app)], host: '127.0.0.1', port: 0, strictRequests: true });
    try {
      const res = await request(`${emulator.url}/users/by_login.json?login=alice&login=bob`, { headers: { 'qb-token': 'x' } });
      expect(res.statusCode).toBe(400);
      expect(await res.body.json()).toMatchObject({ message: expect.stringContaining('the key "login" is repeated') });
      expect(emulator.state.malformed).toEqual([{ route: 'GET /users/by_login.json', problems: ['the key "login" is repeated'] }]);
    } finally {
      await emulator.close();
    }
  });
});
