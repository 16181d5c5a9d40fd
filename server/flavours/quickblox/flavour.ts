import type { Flavour } from './flavour';
import { encodeParams } from './form-encoding';
import { quickbloxRoutes } from './quickblox-routes';

/** QuickBlox (docs/quickblox-rest.md): signed sessions, `QB-Token`, form bodies, `.json` paths. */
export const quickbloxFlavour: Flavour = {
  name: 'quickblox',
  title: 'QuickBlox',
  routes: quickbloxRoutes,
  tokenHeader: 'qb-token',
  expiryHeader: 'qb-token-expirationdate',
  encodeBody: (params) => ({ contentType: 'application/x-www-form-urlencoded', text: encodeParams(params) }),
  lacks: {
    guest_sessions: 'guest sessions',
    firebase_email: 'Firebase email sign-in (provider firebase_email)',
    field_external_id: 'the string user field external_id (QuickBlox has the integer external_user_id)',
    field_avatar: 'the string user field avatar (QuickBlox stores the integer blob_id)',
    field_timezone: 'the user field timezone',
  },
};
