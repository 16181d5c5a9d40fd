/**
 * Strict mode (`strictRequests`): the request checks the gateway's tests run
 * the emulator with, so that a malformed request the gateway sends fails the
 * suite instead of being read leniently. A request is malformed when its
 * query or form body is not clean `application/x-www-form-urlencoded` text
 * (a character that must be percent-encoded, a bad escape, bytes that are
 * not UTF-8), when it carries a key its route does not take, or a key twice
 * (only `filter[]` repeats). The live service's leniency is unknown, so the
 * lenient default stays for the official SDK's conformance suite.
 */

const userField =
  /^user\[(login|email|full_name|phone|website|facebook_id|twitter_id|external_user_id|blob_id|tag_list|custom_data|password|old_password|external_id|avatar|timezone)\]$/;
const credentials = [/^(provider|scope)$/, /^keys\[(token|secret)\]$/, /^firebase_(phone|email)\[(project_id|access_token)\]$/];
const v2Key = /^(offset|limit|sort_asc|sort_desc|\w+(\[(in|nin|gt|gte|lt|lte|start_with)\])?(\[\])?)$/;
const paging = /^(page|per_page)$/;

/** The keys each route takes, by its template. */
const keysByRoute: Record<string, readonly RegExp[]> = {
  'POST /session.json': [/^(application_id|auth_key|nonce|timestamp|signature)$/, /^user\[(login|email|password|guest|full_name)\]$/, ...credentials],
  'GET /session.json': [],
  'DELETE /session.json': [],
  'POST /login.json': [/^(login|email|password)$/, ...credentials],
  'DELETE /login.json': [],
  'POST /users.json': [userField],
  'GET /users.json': [/^(filter\[\]|order)$/, paging],
  'GET /users/by_login.json': [/^login$/],
  'GET /users/by_email.json': [/^email$/],
  'GET /users/by_facebook_id.json': [/^facebook_id$/],
  'GET /users/by_twitter_id.json': [/^twitter_id$/],
  'GET /users/by_full_name.json': [/^full_name$/, paging],
  'GET /users/by_tags.json': [/^tags$/, paging],
  'GET /users/phone.json': [/^phone$/, paging],
  'GET /users/password/reset.json': [/^email$/],
  'GET /users/{id}.json': [],
  'PUT /users/{id}.json': [userField],
  'DELETE /users/{id}.json': [],
  'GET /users/external/{id}.json': [],
  'DELETE /users/external/{id}.json': [],
  'POST /users/{id}/tokens': [],
  'GET /account_settings.json': [],
  'GET /users/v2': [v2Key],
};

// What may stand unescaped in form-encoded text: unreserved and sub-delimiter characters, brackets in keys.
const cleanText = /^(?:[A-Za-z0-9\-._~!$'()*+,;:@/[\]=&]|%[0-9A-Fa-f]{2})*$/;

/** What is wrong with a request, or nothing; each problem names a key, never a value. */
export function wireProblems(route: string, search: string, form: string | undefined): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  // ConnectyCube's templates are QuickBlox's without `.json`.
  const allowed = keysByRoute[route] ?? keysByRoute[`${route}.json`];
  for (const [where, text] of [
    ['query', search],
    ['body', form ?? ''],
  ] as const) {
    if (text === '') continue;
    if (!cleanText.test(text)) {
      problems.push(`the ${where} is not clean form encoding (a character that must be percent-encoded, or a bad escape)`);
      continue;
    }
    for (const pair of text.split('&')) {
      const [rawKey = '', ...rest] = pair.split('=');
      let key: string;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
        decodeURIComponent(rest.join('=').replace(/\+/g, ' '));
      } catch {
        problems.push(`the ${where} has bytes that are not UTF-8 (key ${JSON.stringify(rawKey)})`);
        continue;
      }
      if (rest.length === 0) problems.push(`the ${where} key ${JSON.stringify(key)} has no value`);
      if (seen.has(key) && !key.endsWith('[]')) problems.push(`the key ${JSON.stringify(key)} is repeated`);
      seen.add(key);
      if (allowed && !allowed.some((pattern) => pattern.test(key))) problems.push(`${route} takes no key ${JSON.stringify(key)}`);
    }
  }
  return problems;
}

/** What is wrong with the keys of a JSON body, flattened to bracket keys (`user[login]`); nothing when its route takes them all. */
export function jsonKeyProblems(route: string, keys: readonly string[]): string[] {
  const allowed = keysByRoute[route] ?? keysByRoute[`${route}.json`];
  if (!allowed) return [];
  return [...new Set(keys)].filter((key) => !allowed.some((pattern) => pattern.test(key))).map((key) => `${route} takes no key ${JSON.stringify(key)}`);
}
