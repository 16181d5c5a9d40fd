import type { Flavour } from '../../upstream/flavour';
import { encodeParams } from '../../upstream/form-encoding';
import { sharedWording } from '../../upstream/upstream-error';
import { quickbloxRoutes } from './routes';

/** QuickBlox (docs/quickblox-rest.md): signed sessions, `QB-Token`, form bodies, `.json` paths. */
export const quickbloxFlavour: Flavour = {
  name: 'quickblox',
  title: 'QuickBlox',
  routes: quickbloxRoutes,
  tokenHeader: 'qb-token',
  expiryHeader: 'qb-token-expirationdate',
  encodeBody: (params) => ({ contentType: 'application/x-www-form-urlencoded', text: encodeParams(params) }),
  wording: sharedWording,
  lacks: {
    guest_sessions: 'guest sessions',
    firebase_email: 'Firebase email sign-in (provider firebase_email)',
    field_external_id: 'the string user field external_id (QuickBlox has the integer external_user_id)',
    field_avatar: 'the string user field avatar (QuickBlox stores the integer blob_id)',
    field_timezone: 'the user field timezone',
  },
};
