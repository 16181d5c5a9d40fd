import type { UserServiceImplementation } from '../../gen/index.quickblox.v1';
import type { GatewayCallContext } from './call-context';
import { listUsers } from './list-users';
import type { ServiceDeps } from './service-deps';
import { createUser, createUserToken, deleteUser, resetPassword, updateUser } from './user-changes';
import { findUser, getUser, getUsers } from './user-lookups';

/** UserService over the `/users` endpoints: one function per RPC that validates, maps and calls. */
export function createUserService(deps: ServiceDeps): UserServiceImplementation<GatewayCallContext> {
  return {
    createUser: (request, context) => createUser(deps, request, context),
    getUser: (request, context) => getUser(deps, request, context),
    getUsers: (request, context) => getUsers(deps, request, context),
    findUser: (request, context) => findUser(deps, request, context),
    listUsers: (request, context) => listUsers(deps, request, context),
    updateUser: (request, context) => updateUser(deps, request, context),
    deleteUser: async (request, context) => {
      await deleteUser(deps, request, context);
      return {};
    },
    resetPassword: async (request, context) => {
      await resetPassword(deps, request, context);
      return {};
    },
    createUserToken: (request, context) => createUserToken(deps, request, context),
  };
}
