export { Status } from 'nice-grpc-common';
// The contract's messages and enums, for building requests and reading replies.
export {
  CreateSessionRequest,
  CreateSessionResponse,
  CreateUserRequest,
  CreateUserResponse,
  CreateUserTokenRequest,
  CreateUserTokenResponse,
  CustomIdentityToken,
  DeleteUserRequest,
  DestroySessionRequest,
  EmailPassword,
  FilterOperator,
  FindUserRequest,
  FindUserResponse,
  FirebaseToken,
  GetSessionRequest,
  GetSessionResponse,
  GetUserRequest,
  GetUserResponse,
  GetUsersRequest,
  GetUsersResponse,
  GuestUser,
  ListUsersRequest,
  ListUsersResponse,
  LoginPassword,
  LoginRequest,
  LoginResponse,
  LogoutRequest,
  ResetPasswordRequest,
  Session,
  SessionServiceDefinition,
  SocialProvider,
  SocialToken,
  SortDirection,
  UpdateUserRequest,
  UpdateUserResponse,
  User,
  UserCredentials,
  UserField,
  UserFields,
  UserFilter,
  UserFilterQuery,
  UserOrder,
  UserServiceDefinition,
  UserTagsQuery,
} from '../../gen/index.quickblox.v1';
export { applicationMetadataKey } from './application';
export type { GatewayCredentials } from './channel-credentials';
export { ErrorReason, type GatewayReason, type TakenReason, takenReason } from './error-reasons';
export { createGatewayClient, type GatewayCallOptions, type GatewayClient, type GatewayClientOptions, type RetrySettings } from './gateway-client';
export { type FieldViolation, GatewayError, type GatewayErrorDetails } from './gateway-error';
export { tokenMetadataKey, withToken } from './token';
export { type UserFieldPath, userFieldPaths, userMask } from './user-field-paths';
export { UserSession } from './user-session';
