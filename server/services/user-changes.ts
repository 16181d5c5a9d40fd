import type {
  CreateUserRequest,
  CreateUserResponse,
  CreateUserTokenRequest,
  CreateUserTokenResponse,
  DeleteUserRequest,
  ResetPasswordRequest,
  UpdateUserRequest,
  UpdateUserResponse,
  UserFields,
} from '../../gen/index.quickblox.v1';
import { invalidArgument } from '../errors/gateway-errors';
import { notOffered, offered } from '../errors/offered';
import { userFromJson } from '../mapping/user-from-json';
import { fieldFeatures, isWritableUserField, setUserFields, userFieldPaths, userParams } from '../mapping/user-params';
import type { Credential } from '../upstream/credential';
import type { Flavour } from '../upstream/flavour';
import type { Params } from '../upstream/form-encoding';
import * as rules from '../validation/field-rules';
import type { GatewayContext } from './call-context';
import { callUpstream } from './call-upstream';
import { checked } from './checked';
import { audited } from './owner-audit';
import type { ServiceDeps } from './service-deps';
import { credentialFor } from './token-policy';

const emptyFields: UserFields = { tags: [] };

export async function createUser(deps: ServiceDeps, request: CreateUserRequest, context: GatewayContext): Promise<CreateUserResponse> {
  const user = request.user ?? emptyFields;
  fieldsOffered(deps.upstream.flavour, setUserFields(user));
  const params = checked((v) => {
    if (user.login === undefined && user.email === undefined) v.push({ field: 'user', description: 'needs a login or an email' });
    const fields = userParams(user, setUserFields(user), v);
    rules.newPassword(v, 'password', request.password);
    return fields;
  });
  const form: Params = [...params, ['user[password]', request.password]];
  const credential = credentialFor('CreateUser', context, deps.upstream);
  const res = await callUpstream(deps, { ...deps.upstream.routes.createUser, form }, credential, context, {
    fields: userFieldPaths,
    audit: { caller: context.caller.name, method: 'CreateUser', target: 'new' },
  });
  return { user: userFromJson(res.body) };
}

export async function updateUser(deps: ServiceDeps, request: UpdateUserRequest, context: GatewayContext): Promise<UpdateUserResponse> {
  const v: rules.Violations = [];
  rules.positiveId(v, 'id', request.id);
  const user = request.user ?? emptyFields;
  // A path named twice is one field: sent twice, it would repeat a key upstream.
  const mask = [...new Set(request.updateMask ?? [])];
  for (const path of mask) {
    if (!isWritableUserField(path)) {
      v.push({ field: 'update_mask', description: `"${path}" is not a field of UserFields` });
    }
  }
  const names = mask.length ? mask : setUserFields(user);
  fieldsOffered(deps.upstream.flavour, names);
  const params: (readonly [string, string])[] = [...userParams(user, names, v)];
  const credential = credentialFor('UpdateUser', context, deps.upstream);
  params.push(...passwordChange(request, credential, v));
  if (params.length === 0 && v.length === 0) v.push({ field: 'update_mask', description: 'names no field to change, and no field of user is set' });
  if (v.length) throw invalidArgument(v);
  const call = { ...deps.upstream.routes.updateUser(request.id), form: params };
  const res = await audited(deps, context, 'UpdateUser', `id:${request.id}`, credential, () =>
    callUpstream(deps, call, credential, context, { fields: userFieldPaths }),
  );
  // The credentials that made the user's cached sessions no longer log in.
  if (request.password !== undefined || names.includes('login') || names.includes('email')) deps.userSessions?.dropUser(request.id);
  return { user: userFromJson(res.body) };
}

/** The password parameters: the old password is needed when the user changes their own, not when the account owner does. */
function passwordChange(request: UpdateUserRequest, credential: Credential, v: rules.Violations): Params {
  if (request.password === undefined) {
    if (request.oldPassword !== undefined) v.push({ field: 'password', description: 'is required with old_password' });
    return [];
  }
  rules.newPassword(v, 'password', request.password);
  const params: [string, string][] = [['user[password]', request.password]];
  if (request.oldPassword !== undefined) params.push(['user[old_password]', request.oldPassword]);
  else if (credential.kind === 'token') v.push({ field: 'old_password', description: "is required with password when acting with the user's own token" });
  return params;
}

export async function deleteUser(deps: ServiceDeps, request: DeleteUserRequest, context: GatewayContext): Promise<void> {
  const { target } = request;
  if (!target) return checked((v) => rules.oneOf(v, 'target', false)) as never;
  checked((v) => rules.positiveId(v, target.$case === 'id' ? 'id' : 'external_user_id', target.value));
  const { routes } = deps.upstream;
  const route = target.$case === 'id' ? routes.deleteUser(target.value) : routes.deleteUserByExternalId(target.value);
  const credential = credentialFor('DeleteUser', context, deps.upstream);
  const audit = target.$case === 'id' ? `id:${target.value}` : `external:${target.value}`;
  await audited(deps, context, 'DeleteUser', audit, credential, () => callUpstream(deps, route, credential, context));
  // The gateway does not know which user an external id names: then every cached session goes.
  deps.userSessions?.dropUser(target.$case === 'id' ? target.value : undefined);
}

export async function resetPassword(deps: ServiceDeps, request: ResetPasswordRequest, context: GatewayContext): Promise<void> {
  checked((v) => rules.email(v, 'email', request.email));
  const call = { ...deps.upstream.routes.resetPassword, query: [['email', request.email]] as Params };
  await callUpstream(deps, call, credentialFor('ResetPassword', context, deps.upstream), context);
}

export async function createUserToken(deps: ServiceDeps, request: CreateUserTokenRequest, context: GatewayContext): Promise<CreateUserTokenResponse> {
  const mint = deps.upstream.routes.createUserToken ?? notOffered(deps.upstream.flavour, 'user_tokens');
  const credential = credentialFor('CreateUserToken', context, deps.upstream);
  checked((v) => rules.positiveId(v, 'user_id', request.userId));
  const route = mint(request.userId);
  const res = await audited(deps, context, 'CreateUserToken', `id:${request.userId}`, credential, () => callUpstream(deps, route, credential, context));
  const body = res.body as { token?: unknown; expires_at?: unknown } | undefined;
  const expiresAt = typeof body?.expires_at === 'string' ? Date.parse(body.expires_at) : Number.NaN;
  return {
    token: typeof body?.token === 'string' ? body.token : '',
    // The upstream states the expiry on its own clock.
    expiresAt: Number.isNaN(expiresAt) ? undefined : new Date(expiresAt - deps.upstream.clock.offsetMs()),
  };
}

/** UNIMPLEMENTED for the first named field the upstream does not store. */
function fieldsOffered(flavour: Flavour, names: readonly string[]): void {
  for (const name of names) {
    const feature = Object.hasOwn(fieldFeatures, name) ? fieldFeatures[name] : undefined;
    if (feature) offered(flavour, feature, `user.${name}`);
  }
}
