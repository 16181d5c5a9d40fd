export { createGatewayClient, type GatewayCallOptions, type GatewayClient, type GatewayClientOptions, type RetrySettings } from './gateway-client';
export type { GatewayCredentials } from './channel-credentials';
export { ErrorReason, takenReason } from './error-reasons';
export { GatewayError, type FieldViolation, type GatewayErrorDetails } from './gateway-error';
export { tokenMetadataKey, withToken } from './token';
export { UserSession } from './user-session';
// The contract's messages and enums, for building requests and reading replies.
export {
  CustomIdentityToken,
  EmailPassword,
  FirebaseToken,
  GuestUser,
  LoginPassword,
  Session,
  SocialProvider,
  SocialToken,
  UserCredentials,
} from '../../gen/index.quickblox.v1';
export { User, UserFields } from '../../gen/index.quickblox.v1';
export { FilterOperator, SortDirection, UserField, UserFilter, UserOrder } from '../../gen/index.quickblox.v1';
export {
  CreateSessionRequest,
  CreateSessionResponse,
  DestroySessionRequest,
  GetSessionRequest,
  GetSessionResponse,
  LoginRequest,
  LoginResponse,
  LogoutRequest,
  SessionServiceDefinition,
} from '../../gen/index.quickblox.v1';
export {
  CreateUserRequest,
  CreateUserResponse,
  CreateUserTokenRequest,
  CreateUserTokenResponse,
  DeleteUserRequest,
  FindUserRequest,
  FindUserResponse,
  GetUserRequest,
  GetUserResponse,
  GetUsersRequest,
  GetUsersResponse,
  ListUsersRequest,
  ListUsersResponse,
  ResetPasswordRequest,
  UpdateUserRequest,
  UpdateUserResponse,
  UserFilterQuery,
  UserServiceDefinition,
  UserTagsQuery,
} from '../../gen/index.quickblox.v1';
export { Status } from 'nice-grpc-common';
