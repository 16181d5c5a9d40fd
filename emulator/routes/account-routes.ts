import { messageError } from '../api-error';
import { type Ctx, header, jsonReply, type Reply } from './context';

/** `GET /account_settings.json` with `QB-Account-Key`: the endpoints of the account (docs/quickblox-rest.md §8). */
export function accountSettings(ctx: Ctx): Reply {
  const key = header(ctx, 'qb-account-key');
  const app = key ? ctx.state.appByAccountKey(key) : undefined;
  if (!app) throw messageError(404, 'Account not found');
  return jsonReply(200, {
    api_endpoint: ctx.origin,
    chat_endpoint: 'chat.emulator.invalid',
    turnserver_endpoint: 'turn.emulator.invalid',
  });
}
