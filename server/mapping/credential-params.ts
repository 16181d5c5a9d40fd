import { type GuestUser, SocialProvider, type UserCredentials } from '../../gen/index.quickblox.v1';
import { offered } from '../errors/offered';
import type { Flavour } from '../upstream/flavour';
import type { Params } from '../upstream/form-encoding';
import * as rules from '../validation/field-rules';

/**
 * Where credentials go: `POST /session.json` nests login and password in
 * `user[…]`; `POST /login.json` takes them at the top level (docs/quickblox-rest.md §2.5).
 */
export type CredentialStyle = 'session' | 'login';

/**
 * Upstream parameters for user credentials, validating each field under
 * `path` (e.g. `user` for CreateSession, `credentials` for Login). Throws
 * UNIMPLEMENTED for a method the upstream does not offer.
 */
export function credentialParams(
  credentials: UserCredentials | undefined,
  path: string,
  style: CredentialStyle,
  flavour: Flavour,
  v: rules.Violations,
): Params {
  const method = credentials?.method;
  if (!method) {
    rules.oneOf(v, path, false);
    return [];
  }
  const user = (key: string) => (style === 'session' ? `user[${key}]` : key);
  switch (method.$case) {
    case 'loginPassword': {
      const at = `${path}.login_password`;
      rules.login(v, `${at}.login`, method.value.login);
      rules.presentedPassword(v, `${at}.password`, method.value.password);
      return [
        [user('login'), method.value.login],
        [user('password'), method.value.password],
      ];
    }
    case 'emailPassword': {
      const at = `${path}.email_password`;
      rules.email(v, `${at}.email`, method.value.email);
      rules.presentedPassword(v, `${at}.password`, method.value.password);
      return [
        [user('email'), method.value.email],
        [user('password'), method.value.password],
      ];
    }
    case 'social': {
      const at = `${path}.social`;
      const { provider, token, secret, scope } = method.value;
      const name =
        provider === SocialProvider.SOCIAL_PROVIDER_FACEBOOK ? 'facebook' : provider === SocialProvider.SOCIAL_PROVIDER_TWITTER ? 'twitter' : undefined;
      if (!name) v.push({ field: `${at}.provider`, description: 'must be FACEBOOK or TWITTER' });
      rules.text(v, `${at}.token`, token, 1, 4096);
      rules.optionalText(v, `${at}.secret`, secret, 4096);
      rules.optionalText(v, `${at}.scope`, scope, 255);
      if (name === 'twitter' && !secret) v.push({ field: `${at}.secret`, description: 'is required for Twitter' });
      const params: [string, string][] = [
        ['provider', name ?? ''],
        ['keys[token]', token],
      ];
      if (secret !== undefined) params.push(['keys[secret]', secret]);
      if (scope !== undefined) params.push(['scope', scope]);
      return params;
    }
    case 'firebasePhone':
      return firebaseParams('firebase_phone', method.value, path, v);
    case 'firebaseEmail': {
      offered(flavour, 'firebase_email', `${path}.firebase_email`);
      return firebaseParams('firebase_email', method.value, path, v);
    }
    case 'customIdentity': {
      const at = `${path}.custom_identity`;
      rules.text(v, `${at}.login`, method.value.login, 1, 255);
      rules.text(v, `${at}.token`, method.value.token, 1, 8192);
      return [
        [user('login'), method.value.login],
        [user('password'), method.value.token],
      ];
    }
  }
}

/** `provider=firebase_phone|firebase_email` and the token's two fields, nested under the provider's name. */
function firebaseParams(
  provider: 'firebase_phone' | 'firebase_email',
  token: { projectId: string; accessToken: string },
  path: string,
  v: rules.Violations,
): Params {
  const at = `${path}.${provider}`;
  rules.text(v, `${at}.project_id`, token.projectId, 1, 255);
  rules.text(v, `${at}.access_token`, token.accessToken, 1, 8192);
  return [
    ['provider', provider],
    [`${provider}[project_id]`, token.projectId],
    [`${provider}[access_token]`, token.accessToken],
  ];
}

/** A guest session's parameters (ConnectyCube): `user[guest]=1` and the optional display name (docs/connectycube-rest.md §2.1). */
export function guestParams(guest: GuestUser, path: string, v: rules.Violations): Params {
  rules.optionalText(v, `${path}.full_name`, guest.fullName, 255);
  const params: [string, string][] = [['user[guest]', '1']];
  if (guest.fullName !== undefined) params.push(['user[full_name]', guest.fullName]);
  return params;
}
