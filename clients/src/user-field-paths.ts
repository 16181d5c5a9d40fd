/**
 * The paths `UpdateUserRequest.update_mask` may name: the writable fields of
 * `UserFields`, by their proto names. The gateway checks a mask against this
 * same list (server/mapping/user-params.ts), so a typed mask is one it takes.
 */
export const userFieldPaths = [
  'login',
  'email',
  'full_name',
  'phone',
  'website',
  'facebook_id',
  'twitter_id',
  'external_user_id',
  'blob_id',
  'tags',
  'custom_data',
  'external_id',
  'avatar',
  'timezone',
] as const;

export type UserFieldPath = (typeof userFieldPaths)[number];

/** An `updateMask` of typed paths: `updateMask: userMask('full_name', 'tags')`. */
export function userMask(...paths: UserFieldPath[]): UserFieldPath[] {
  return paths;
}
