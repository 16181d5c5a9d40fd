import type { UserFieldPath } from '../../clients/src/user-field-paths';
import type { UserFields } from '../../gen/index.quickblox.v1';
import type { Feature } from '../upstream/flavour';
import type { Params } from '../upstream/form-encoding';
import * as rules from '../validation/field-rules';

type Rule = (v: rules.Violations, field: string, fields: UserFields) => void;

interface FieldSpec {
  /** The upstream parameter, inside `user[…]`. */
  param: string;
  /** Its wire value, or undefined when unset in the request. */
  value: (f: UserFields) => string | undefined;
  check: Rule;
}

const textField =
  (key: keyof UserFields, max: number): Rule =>
  (v, field, f) =>
    rules.optionalText(v, field, f[key] as string | undefined, max);

/** The writable fields of the contract's UserFields, by field name, and how each goes upstream: exactly the client's typed mask paths. */
const writable: Record<UserFieldPath, FieldSpec> = {
  login: { param: 'login', value: (f) => f.login, check: (v, field, f) => f.login !== undefined && rules.login(v, field, f.login) },
  email: { param: 'email', value: (f) => f.email, check: (v, field, f) => f.email !== undefined && rules.email(v, field, f.email) },
  full_name: { param: 'full_name', value: (f) => f.fullName, check: textField('fullName', 255) },
  phone: { param: 'phone', value: (f) => f.phone, check: textField('phone', 32) },
  website: { param: 'website', value: (f) => f.website, check: textField('website', 255) },
  facebook_id: { param: 'facebook_id', value: (f) => f.facebookId, check: textField('facebookId', 64) },
  twitter_id: { param: 'twitter_id', value: (f) => f.twitterId, check: textField('twitterId', 64) },
  external_user_id: {
    param: 'external_user_id',
    value: (f) => f.externalUserId?.toString(),
    check: (v, field, f) => f.externalUserId !== undefined && rules.positiveId(v, field, f.externalUserId),
  },
  blob_id: {
    param: 'blob_id',
    value: (f) => f.blobId?.toString(),
    check: (v, field, f) => f.blobId !== undefined && rules.positiveId(v, field, f.blobId),
  },
  tags: { param: 'tag_list', value: (f) => (f.tags.length ? f.tags.join(',') : undefined), check: (v, field, f) => tagList(v, field, f.tags) },
  custom_data: {
    param: 'custom_data',
    value: (f) => f.customData,
    check: (v, field, f) => {
      if (f.customData !== undefined && Buffer.byteLength(f.customData) > 65_535) v.push({ field, description: 'must be at most 65,535 bytes' });
    },
  },
  external_id: { param: 'external_id', value: (f) => f.externalId, check: textField('externalId', 255) },
  avatar: { param: 'avatar', value: (f) => f.avatar, check: textField('avatar', 1024) },
  timezone: {
    param: 'timezone',
    value: (f) => f.timezone?.toString(),
    check: (v, field, f) => {
      if (f.timezone !== undefined && (f.timezone < -720 || f.timezone > 840)) v.push({ field, description: 'must be -720 to 840 (minutes east of UTC)' });
    },
  },
};

/** Fields of the contract that not every upstream stores, and the feature each needs. */
export const fieldFeatures: Readonly<Record<string, Feature>> = {
  external_id: 'field_external_id',
  avatar: 'field_avatar',
  timezone: 'field_timezone',
};

/** Upstream field names in 422 bodies → contract paths of CreateUser/UpdateUser requests. */
export const userFieldPaths: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(writable).map(([name, spec]) => [spec.param, `user.${name}`])),
  user_tags: 'user.tags',
  blob: 'user.blob_id',
  password: 'password',
  old_password: 'old_password',
};

/** The field names of UserFields that are set (for sign-up, or an update without a mask). */
export function setUserFields(f: UserFields): string[] {
  return Object.entries(writable)
    .filter(([, spec]) => spec.value(f) !== undefined)
    .map(([name]) => name);
}

/** Whether `name` is a field of UserFields the gateway can write upstream. */
export function isWritableUserField(name: string): boolean {
  // Own keys only: `in` would also accept what every object inherits (`constructor`, `__proto__`).
  return Object.hasOwn(writable, name);
}

/**
 * `user[…]` parameters for the named fields, validating each. A named field
 * that is unset is sent empty, which clears it upstream.
 */
export function userParams(f: UserFields, names: readonly string[], v: rules.Violations): Params {
  const params: [string, string][] = [];
  for (const name of names) {
    const spec = Object.hasOwn(writable, name) ? writable[name as UserFieldPath] : undefined;
    if (!spec) continue;
    spec.check(v, `user.${name}`, f);
    params.push([`user[${spec.param}]`, spec.value(f) ?? '']);
  }
  return params;
}

function tagList(v: rules.Violations, field: string, tags: readonly string[]): void {
  if (tags.length > 5) v.push({ field, description: 'must have at most 5 tags' });
  tags.forEach((tag, i) => {
    rules.text(v, `${field}[${i}]`, tag, 1, 64);
    if (tag.includes(',')) v.push({ field: `${field}[${i}]`, description: 'must not contain commas' });
  });
}
