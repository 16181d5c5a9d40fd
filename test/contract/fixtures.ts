// One or more fully populated samples of every message of the contract. Where
// a message has a oneof, there is one sample per alternative, so that every
// field of every message is exercised by some sample (the coverage test
// checks that against the descriptor set).
import type { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import {
  CustomIdentityToken,
  EmailPassword,
  FirebaseToken,
  GuestUser,
  LoginPassword,
  Session,
  SocialProvider,
  SocialToken,
  UserCredentials,
} from '../../gen/quickblox/v1/session';
import * as sessions from '../../gen/quickblox/v1/session_service';
import { User, UserFields } from '../../gen/quickblox/v1/user';
import { FilterOperator, SortDirection, UserField, UserFilter, UserOrder } from '../../gen/quickblox/v1/user_query';
import * as users from '../../gen/quickblox/v1/user_service';

// ts-proto's own codec and partial types, which it keeps private when it writes index files.
type Builtin = Date | ((...args: never[]) => unknown) | Uint8Array | string | number | boolean | bigint | undefined;
type Partial<T> = T extends bigint
  ? string | number | bigint
  : T extends Builtin
    ? T
    : T extends Array<infer U>
      ? Array<Partial<U>>
      : T extends { $case: string; value: unknown }
        ? { $case: T['$case']; value?: Partial<T['value']> }
        : T extends object
          ? { [K in keyof T]?: Partial<T[K]> }
          : T;
interface Fns<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
  fromPartial(object: Partial<T>): T;
}

export interface Fixture {
  /** Fully qualified proto name, e.g. `quickblox.v1.User`. */
  typeName: string;
  codec: Fns<unknown>;
  samples: unknown[];
}

export const fixtures: Fixture[] = [];

function add<T>(name: string, codec: Fns<T>, ...samples: Partial<T>[]): void {
  fixtures.push({
    typeName: `quickblox.v1.${name}`,
    codec: codec as Fns<unknown>,
    samples: samples.map((s) => codec.fromPartial(s)),
  });
}

// 2^53 + 1: not representable as a JS number, so a lossy int64 path shows.
const bigId = 9007199254740993n;
const created = new Date('2019-08-27T20:19:08.123Z');
const updated = new Date('2019-08-28T10:00:00.456Z');
const expires = new Date('2019-08-28T12:00:00.789Z');

export const fullSession: Partial<Session> = {
  token: 'c56f382b402fb482086db956064592d3cd012bba',
  id: bigId,
  applicationId: 76730n,
  userId: bigId,
  createdAt: created,
  updatedAt: updated,
  expiresAt: expires,
};

export const fullUser: Partial<User> = {
  id: bigId,
  login: 'peter',
  email: 'peter@example.com',
  fullName: 'Peter Smith',
  phone: '+73123555',
  website: 'https://mysite.example',
  createdAt: created,
  updatedAt: updated,
  lastRequestAt: expires,
  externalUserId: 1236672n,
  facebookId: '8887366',
  twitterId: '9982366',
  blobId: 42n,
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

const fullFields: Partial<UserFields> = {
  login: 'peter',
  email: 'peter@example.com',
  fullName: 'Peter Smith',
  phone: '+73123555',
  website: 'https://mysite.example',
  facebookId: '8887366',
  twitterId: '9982366',
  externalUserId: 1236672n,
  blobId: 42n,
  tags: ['a', 'b'],
  customData: 'x & y, z',
  externalId: 'ext-1',
  avatar: 'uid-1',
  timezone: 840,
};

const loginPassword: Partial<LoginPassword> = { login: 'alice', password: 'alicePass1!' };
const emailPassword: Partial<EmailPassword> = { email: 'alice@example.com', password: 'alicePass1!' };
const social: Partial<SocialToken> = {
  provider: SocialProvider.SOCIAL_PROVIDER_TWITTER,
  token: 'T',
  secret: 'S',
  scope: 'public_profile',
};
const firebase: Partial<FirebaseToken> = { projectId: 'my-fb-project', accessToken: 'eyJhbGciOiJSUzI1NiJ9.PAYLOAD.SIG' };
const customIdentity: Partial<CustomIdentityToken> = { login: 'idp-user-7', token: 'idp-token' };

const credentialSamples: Partial<UserCredentials>[] = [
  { method: { $case: 'loginPassword', value: loginPassword } },
  { method: { $case: 'emailPassword', value: emailPassword } },
  { method: { $case: 'social', value: social } },
  { method: { $case: 'firebasePhone', value: firebase } },
  { method: { $case: 'firebaseEmail', value: firebase } },
  { method: { $case: 'customIdentity', value: customIdentity } },
];

const filter: Partial<UserFilter> = {
  field: UserField.USER_FIELD_CREATED_AT,
  operator: FilterOperator.FILTER_OPERATOR_BETWEEN,
  values: ['2019-01-01T00:00:00Z', '2020-01-01T00:00:00Z'],
};
const order: Partial<UserOrder> = { field: UserField.USER_FIELD_LOGIN, direction: SortDirection.SORT_DIRECTION_DESC };

// session.proto
add('Session', Session, fullSession);
add('UserCredentials', UserCredentials, ...credentialSamples);
add('LoginPassword', LoginPassword, loginPassword);
add('EmailPassword', EmailPassword, emailPassword);
add('SocialToken', SocialToken, social);
add('FirebaseToken', FirebaseToken, firebase);
add('CustomIdentityToken', CustomIdentityToken, customIdentity);
add('GuestUser', GuestUser, { fullName: 'Olof Shodger' });

// session_service.proto
add('CreateSessionRequest', sessions.CreateSessionRequest, ...credentialSamples.map((user) => ({ subject: { $case: 'user' as const, value: user } })), {
  subject: { $case: 'guest', value: { fullName: 'Olof' } },
});
add('CreateSessionResponse', sessions.CreateSessionResponse, { session: fullSession });
add('GetSessionRequest', sessions.GetSessionRequest, {});
add('GetSessionResponse', sessions.GetSessionResponse, { session: fullSession });
add('LoginRequest', sessions.LoginRequest, ...credentialSamples.map((credentials) => ({ credentials })));
add('LoginResponse', sessions.LoginResponse, { user: fullUser, expiresAt: expires });
add('LogoutRequest', sessions.LogoutRequest, {});
add('LogoutResponse', sessions.LogoutResponse, {});
add('DestroySessionRequest', sessions.DestroySessionRequest, {});
add('DestroySessionResponse', sessions.DestroySessionResponse, {});

// user.proto, user_query.proto
add('User', User, fullUser);
add('UserFields', UserFields, fullFields);
add('UserFilter', UserFilter, filter);
add('UserOrder', UserOrder, order);

// user_service.proto
add('CreateUserRequest', users.CreateUserRequest, { user: fullFields, password: 'bobPass12' });
add('CreateUserResponse', users.CreateUserResponse, { user: fullUser });
add('GetUserRequest', users.GetUserRequest, { id: bigId });
add('GetUserResponse', users.GetUserResponse, { user: fullUser });
add('GetUsersRequest', users.GetUsersRequest, { ids: [1n, bigId] });
add('GetUsersResponse', users.GetUsersResponse, { users: [fullUser, { id: 2n }] });
add(
  'FindUserRequest',
  users.FindUserRequest,
  { key: { $case: 'login', value: 'alice' } },
  { key: { $case: 'email', value: 'alice@example.com' } },
  { key: { $case: 'phone', value: '+123456' } },
  { key: { $case: 'facebookId', value: '8887366' } },
  { key: { $case: 'twitterId', value: '9982366' } },
  { key: { $case: 'externalUserId', value: bigId } },
  { key: { $case: 'externalId', value: 'ext-ü-42' } },
);
add('FindUserResponse', users.FindUserResponse, { user: fullUser });
add(
  'ListUsersRequest',
  users.ListUsersRequest,
  { query: { $case: 'filter', value: { filters: [filter], order } }, page: 2, perPage: 100 },
  { query: { $case: 'fullName', value: 'Alice Smith' }, page: 1, perPage: 25 },
  { query: { $case: 'tags', value: { tags: ['android', 'web'] } }, page: 3, perPage: 1 },
);
add('UserFilterQuery', users.UserFilterQuery, { filters: [filter, filter], order });
add('UserTagsQuery', users.UserTagsQuery, { tags: ['android'] });
add('ListUsersResponse', users.ListUsersResponse, { users: [fullUser], page: 2, perPage: 50, totalEntries: 4000000000 });
add('UpdateUserRequest', users.UpdateUserRequest, {
  id: bigId,
  user: fullFields,
  updateMask: ['full_name', 'tags'],
  password: 'newPass123',
  oldPassword: 'bobPass12',
});
add('UpdateUserResponse', users.UpdateUserResponse, { user: fullUser });
add('DeleteUserRequest', users.DeleteUserRequest, { target: { $case: 'id', value: bigId } }, { target: { $case: 'externalUserId', value: 7n } });
add('DeleteUserResponse', users.DeleteUserResponse, {});
add('ResetPasswordRequest', users.ResetPasswordRequest, { email: 'bob@example.com' });
add('ResetPasswordResponse', users.ResetPasswordResponse, {});
add('CreateUserTokenRequest', users.CreateUserTokenRequest, { userId: bigId });
add('CreateUserTokenResponse', users.CreateUserTokenResponse, { token: 'tok', expiresAt: expires });
