import { baseError } from '../api-error';
import type { AppState } from '../state';
import type { Ctx } from './context';

/**
 * The refusal of a listing when "Allow to retrieve a list of users via API" is
 * off: QuickBlox's bare 403 `Forbidden` (docs/quickblox-rest.md §5.4), or
 * ConnectyCube's documented text, as a 403 (README, choice C13).
 */
export function listingForbidden(ctx: Ctx, app: AppState) {
  if (ctx.state.flavour !== 'connectycube') return baseError(403, 'Forbidden');
  return baseError(
    403,
    `Users retrieving forbidden in admin panel, application settings. Setup it here https://admin.connectycube.com/apps/${app.config.id}/service/users/settings`,
  );
}
