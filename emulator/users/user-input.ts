import { fieldErrors } from '../api-error';

/** The changes a sign-up or update asks for; `null` clears a field. */
export interface UserPatch {
  login?: string | null;
  email?: string | null;
  full_name?: string | null;
  phone?: string | null;
  website?: string | null;
  external_user_id?: number | null;
  facebook_id?: string | null;
  twitter_id?: string | null;
  blob_id?: number | null;
  custom_data?: string | null;
  user_tags?: string | null;
  age_over16?: boolean;
  allow_statistics_analysis?: boolean;
  allow_sales_activities?: boolean;
  parents_contacts?: string;
  external_id?: string | null;
  avatar?: string | null;
  timezone?: number | null;
  password?: string;
  old_password?: string;
}

const textFields = ['login', 'email', 'full_name', 'phone', 'website', 'facebook_id', 'twitter_id', 'custom_data', 'external_id', 'avatar'] as const;
const numberFields = ['external_user_id', 'blob_id'] as const;
const flagFields = ['age_over16', 'allow_statistics_analysis', 'allow_sales_activities'] as const;
const maxTags = 5;
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// Printable ASCII without the space: letters, digits and punctuation.
const passwordPattern = /^[!-~]*$/;

/** The password rules with QuickBlox's exact messages (docs/quickblox-rest.md §6.2 row 10), in its order. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (!passwordPattern.test(password)) problems.push('should contain alphanumeric and punctuation characters only');
  if (password.length < 8) problems.push('is too short (minimum is 8 characters)');
  return problems;
}

/**
 * Reads `user[...]` parameters into a patch, collecting every field error
 * into one 422 as the upstream does. Strings lose trailing whitespace (but
 * passwords do not); an empty value clears the field.
 */
export function parseUserInput(fields: Map<string, string>, blobExists: (id: number) => boolean, tagArray?: string[]): UserPatch {
  const patch: UserPatch = {};
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string): void => {
    errors[field] ??= [];
    errors[field].push(message);
  };

  for (const name of textFields) {
    const raw = fields.get(name);
    if (raw === undefined) continue;
    const value = raw.trimEnd();
    patch[name] = value === '' ? null : value;
  }
  if (patch.email && !emailPattern.test(patch.email)) fail('email', 'is invalid');

  for (const name of numberFields) {
    const raw = fields.get(name)?.trim();
    if (raw === undefined) continue;
    if (raw === '') patch[name] = null;
    else if (/^\d{1,15}$/.test(raw) && Number(raw) > 0) patch[name] = Number(raw);
    else fail(name, 'is not a number');
  }
  if (patch.blob_id && !blobExists(patch.blob_id)) fail('blob', 'does not exist');

  const timezone = fields.get('timezone')?.trim();
  if (timezone !== undefined) {
    if (timezone === '') patch.timezone = null;
    else if (/^-?\d{1,4}$/.test(timezone) && Math.abs(Number(timezone)) <= 840) patch.timezone = Number(timezone);
    else fail('timezone', 'is not a number');
  }

  // A comma-joined string (QuickBlox, ConnectyCube's docs) or a JSON array (ConnectyCube's SDK), which arrives as `tag_list[]`.
  const tagList = fields.get('tag_list') ?? (tagArray === undefined ? undefined : tagArray.join(','));
  if (tagList !== undefined) {
    const tags = tagList
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    if (tags.length > maxTags) fail('tag_list', `is too long (maximum is ${maxTags} tags)`);
    patch.user_tags = tags.length ? tags.join(',') : null;
  }

  for (const name of flagFields) {
    const raw = fields.get(name);
    if (raw !== undefined) patch[name] = raw === 'true' || raw === '1';
  }
  const contacts = fields.get('parents_contacts');
  if (contacts !== undefined) patch.parents_contacts = contacts.trimEnd();

  const password = fields.get('password');
  if (password !== undefined) {
    for (const p of passwordProblems(password)) fail('password', p);
    patch.password = password;
  }
  const old = fields.get('old_password');
  if (old !== undefined) patch.old_password = old;

  if (Object.keys(errors).length) throw fieldErrors(422, errors);
  return patch;
}
