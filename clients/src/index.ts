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
} from '../../gen/quickblox/v1/session';
export { User, UserFields } from '../../gen/quickblox/v1/user';
export { FilterOperator, SortDirection, UserField, UserFilter, UserOrder } from '../../gen/quickblox/v1/user_query';
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
} from '../../gen/quickblox/v1/session_service';
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
} from '../../gen/quickblox/v1/user_service';
export { Status } from 'nice-grpc-common';
