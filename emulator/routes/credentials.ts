import { randomBytes } from 'node:crypto';
import { baseError, listError, unauthorized } from '../api-error';
import type { Flavour } from '../config';
import { firebaseEmail, firebasePhoneNumber, socialAccountId, tokenAccepted } from '../identity';
import type { Params } from '../params';
import type { AppState } from '../state';
import { parseUserInput } from '../users/user-input';
import type { UserRecord } from '../users/user-record';

/** User credentials, whether they came as `user[...]` (session create) or flat (login). */
export interface Credentials {
  login?: string;
  email?: string;
  password?: string;
  provider?: string;
  keys: Map<string, string>;
  firebasePhone: Map<string, string>;
  firebaseEmail: Map<string, string>;
  /** ConnectyCube's guest: `user[guest]=1`, with an optional `user[full_name]`. */
  guest?: { fullName?: string };
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
    firebaseEmail: params.group('firebase_email'),
    guest: user.get('guest') === '1' ? { fullName: user.get('full_name') } : undefined,
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
    firebaseEmail: params.group('firebase_email'),
  };
}

/**
 * Finds, or for providers creates on first login, the user the credentials
 * prove; 401 when they prove none. ConnectyCube also makes guests, takes
 * `firebase_email`, and creates an unknown login or email with its password
 * unless the application denies it (docs/connectycube-rest.md §2.1).
 */
export function resolveUser(app: AppState, c: Credentials, now: number, flavour: Flavour = 'quickblox'): UserRecord {
  const users = app.users;
  const byIdentity = (uid: string, create: () => UserRecord) => users.findByIdentityUid(uid) ?? create();
  const cube = flavour === 'connectycube';
  if (cube && c.guest) {
    const login = `guest_login_${randomBytes(8).toString('hex').toUpperCase()}`;
    return users.create({ login, full_name: c.guest.fullName?.trimEnd() || null, phone: '' }, now, null, true);
  }
  if (cube && c.provider === 'firebase_email') {
    const token = c.firebaseEmail.get('access_token');
    if (!c.firebaseEmail.get('project_id') || !tokenAccepted(token)) throw unauthorized();
    const email = firebaseEmail(token);
    return byIdentity(`firebase_email:${email}`, () => users.find('email', email) ?? users.create({ email }, now, `firebase_email:${email}`));
  }

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
  if (cube && !user && app.settings.autoCreateUsers && (c.login !== undefined || c.email !== undefined)) {
    const fields = new Map<string, string>([['password', c.password]]);
    if (c.login !== undefined) fields.set('login', c.login);
    else if (c.email !== undefined) fields.set('email', c.email);
    return users.create(
      parseUserInput(fields, () => false),
      now,
    );
  }
  if (!user || user.is_guest) throw unauthorized();
  if (!users.passwordMatches(user, c.password)) throw cube ? listError(401, 'Invalid password') : unauthorized();
  return user;
}
