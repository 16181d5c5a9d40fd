import { fromBinary, toJson } from '@bufbuild/protobuf';
import { User } from '../../gen/quickblox/v1/user';
import { loadRegistry } from './descriptor-registry';
import { fullUser } from './fixtures';

const desc = loadRegistry().getMessage('quickblox.v1.User')!;

// The JSON a caller sees from grpcurl (canonical proto3 JSON) and from
// ts-proto's toJSON: lowerCamelCase names, int64 as strings, RFC 3339 times.
const expected = {
  id: '9007199254740993',
  login: 'peter',
  email: 'peter@example.com',
  fullName: 'Peter Smith',
  phone: '+73123555',
  website: 'https://mysite.example',
  createdAt: '2019-08-27T20:19:08.123Z',
  updatedAt: '2019-08-28T10:00:00.456Z',
  lastRequestAt: '2019-08-28T12:00:00.789Z',
  externalUserId: '1236672',
  facebookId: '8887366',
  twitterId: '9982366',
  blobId: '42',
  customData: '{"role":"lead"}',
  tags: ['marketing', 'seo'],
  ageOver16: true,
  allowStatisticsAnalysis: true,
  allowSalesActivities: true,
  parentsContacts: 'mum@example.com',
  externalId: 'ext-1',
  avatar: 'https://cdn.example/a.png',
  timezone: -180,
  isGuest: true,
};

describe('the JSON form of a User', () => {
  const user = User.fromPartial(fullUser);

  it('is what ts-proto writes', () => {
    expect(User.toJSON(user)).toEqual(expected);
  });

  it('is what a canonical proto3 JSON writer (as grpcurl) prints', () => {
    expect(toJson(desc, fromBinary(desc, User.encode(user).finish()))).toEqual(expected);
  });

  it('leaves out fields the upstream sent as null instead of writing null', () => {
    const sparse = User.fromPartial({ id: 7n, login: 'bob', createdAt: new Date('2020-01-01T00:00:00Z') });
    expect(User.toJSON(sparse)).toEqual({ id: '7', login: 'bob', createdAt: '2020-01-01T00:00:00.000Z' });
    expect(toJson(desc, fromBinary(desc, User.encode(sparse).finish()))).toEqual({
      id: '7',
      login: 'bob',
      createdAt: '2020-01-01T00:00:00Z',
    });
  });

  it('tells an empty optional string from an absent one', () => {
    const cleared = User.decode(User.encode(User.fromPartial({ id: 1n, phone: '' })).finish());
    expect(cleared.phone).toBe('');
    expect(User.decode(User.encode(User.fromPartial({ id: 1n })).finish()).phone).toBeUndefined();
  });
});
