import { SocialProvider, type UserCredentials } from '../../gen/index.quickblox.v1';
import { unsupported } from '../errors/gateway-errors';
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
 * FAILED_PRECONDITION for a method QuickBlox does not offer.
 */
export function credentialParams(credentials: UserCredentials | undefined, path: string, style: CredentialStyle, v: rules.Violations): Params {
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
    case 'firebasePhone': {
      const at = `${path}.firebase_phone`;
      rules.text(v, `${at}.project_id`, method.value.projectId, 1, 255);
      rules.text(v, `${at}.access_token`, method.value.accessToken, 1, 8192);
      return [
        ['provider', 'firebase_phone'],
        ['firebase_phone[project_id]', method.value.projectId],
        ['firebase_phone[access_token]', method.value.accessToken],
      ];
    }
    case 'firebaseEmail':
      throw unsupported(`${path}.firebase_email`, 'Firebase email sign-in is offered by ConnectyCube only, not by QuickBlox');
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
