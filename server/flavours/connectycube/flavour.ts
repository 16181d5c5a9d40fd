import type { Flavour } from '../../upstream/flavour';
import { paramsToJson } from '../../upstream/json-encoding';
import { sharedWording } from '../../upstream/upstream-error';
import { connectyCubeRoutes } from './routes';

/** Parameters ConnectyCube's JSON carries as numbers, as its SDK sends them (docs/connectycube-rest.md §10.1). */
const jsonNumbers = new Set(['application_id', 'timestamp', 'nonce', 'user[timezone]', 'user[external_user_id]', 'user[blob_id]']);

/**
 * ConnectyCube (docs/connectycube-rest.md): `CB-Token`, JSON bodies, paths
 * without `.json`, sign-up by `CB-AuthKey` without a session, and session
 * requests unsigned — its SDKs stopped signing in 4.0, and a signed request
 * can fail its clock check (`{"errors":{"timestamp":["invalid timestamp"]}}`),
 * so the gateway signs only when QB_AUTH_SECRET is set. The expiry header
 * may be missing: a token then lives two hours after its last use (§1.4).
 */
export const connectyCubeFlavour: Flavour = {
  name: 'connectycube',
  title: 'ConnectyCube',
  routes: connectyCubeRoutes,
  tokenHeader: 'cb-token',
  expiryHeader: 'cb-token-expirationdate',
  assumedLifetimeMs: 2 * 60 * 60_000,
  signUpKeyHeader: 'cb-authkey',
  encodeBody: (params) => ({ contentType: 'application/json', text: paramsToJson(params, jsonNumbers) }),
  wording: [
    // A clock check as a field error: {"errors":{"timestamp":["invalid timestamp"]}} (docs/connectycube-sdk.md §6).
    { kind: 'bad_timestamp', field: 'timestamp', statuses: [422] },
    // Its status is not documented (docs/connectycube-rest.md §4.2): the wording decides.
    { kind: 'listing_forbidden', says: 'users retrieving forbidden' },
    ...sharedWording,
  ],
  lacks: {
    user_tokens: "a server API that mints user tokens (QuickBlox's API key); a ConnectyCube user session comes from CreateSession",
    unfiltered_listing: 'listing users without a filter (users/v2 needs one on id, login, email, full_name, phone, facebook_id, twitter_id or tags)',
  },
};
