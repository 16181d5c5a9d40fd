import { baseError, unauthorized } from '../api-error';
import { firebasePhoneNumber, socialAccountId, tokenAccepted } from '../identity';
import type { Params } from '../params';
import type { AppState } from '../state';
import type { UserRecord } from '../users/user-record';

/** User credentials, whether they came as `user[...]` (session create) or flat (login). */
export interface Credentials {
  login?: string;
  email?: string;
  password?: string;
  provider?: string;
  keys: Map<string, string>;
  firebasePhone: Map<string, string>;
}

/** The credentials of `POST /session.json`; undefined asks for an application session. */
export function sessionCredentials(params: Params): Credentials | undefined {
  const user = params.group('user');
  const provider = params.get('provider');
  if (user.size === 0 && provider === undefined) return undefined;
  return {
    login: user.get('login'),
    email: user.get('email'),
    password: user.get('password'),
    provider,
    keys: params.group('keys'),
    firebasePhone: params.group('firebase_phone'),
  };
}

/** The credentials of `POST /login.json`: flat `login`/`email`/`password` (docs/quickblox-rest.md §2.5). */
export function loginCredentials(params: Params): Credentials {
  return {
    login: params.get('login'),
    email: params.get('email'),
    password: params.get('password'),
    provider: params.get('provider'),
    keys: params.group('keys'),
    firebasePhone: params.group('firebase_phone'),
  };
}

/** Finds, or for providers creates on first login, the user the credentials prove; 401 when they prove none. */
export function resolveUser(app: AppState, c: Credentials, now: number): UserRecord {
  const users = app.users;
  const byIdentity = (uid: string, create: () => UserRecord) => users.findByIdentityUid(uid) ?? create();

  switch (c.provider) {
    case undefined:
      break;
    case 'facebook': {
      const token = c.keys.get('token');
      if (!tokenAccepted(token)) throw unauthorized();
      const id = socialAccountId(token);
      return users.find('facebook_id', id) ?? users.create({ facebook_id: id }, now, `facebook:${id}`);
    }
    case 'twitter': {
      const token = c.keys.get('token');
      if (!tokenAccepted(token) || !tokenAccepted(c.keys.get('secret'))) throw unauthorized();
      const id = socialAccountId(token);
      return users.find('twitter_id', id) ?? users.create({ twitter_id: id }, now, `twitter:${id}`);
    }
    case 'firebase_phone': {
      const token = c.firebasePhone.get('access_token');
      if (!c.firebasePhone.get('project_id') || !tokenAccepted(token)) throw unauthorized();
      const phone = firebasePhoneNumber(token);
      return byIdentity(`firebase_phone:${phone}`, () => users.create({ phone }, now, `firebase_phone:${phone}`));
    }
    default:
      throw baseError(422, `Unsupported provider: ${c.provider}`);
  }

  if (c.password === undefined || c.password === '') throw unauthorized();
  if (app.settings.customIdentityProvider && c.login !== undefined) {
    // The IdP verifies (login = its user id, password = its token); the
    // upstream maps its answer onto a user it creates on first login.
    if (!tokenAccepted(c.password)) throw unauthorized();
    const uid = c.login;
    return byIdentity(`cidp:${uid}`, () => users.create({ login: users.find('login', uid) ? `cidp_${uid}` : uid }, now, `cidp:${uid}`));
  }
  const user = c.login !== undefined ? users.find('login', c.login) : c.email !== undefined ? users.find('email', c.email) : undefined;
  if (!user || !users.passwordMatches(user, c.password)) throw unauthorized();
  return user;
}
