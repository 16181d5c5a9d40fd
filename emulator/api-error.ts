/**
 * An upstream error answer: a status and a JSON body in one of the shapes
 * QuickBlox uses (docs/quickblox-rest.md §6.1). Route handlers throw these; the server
 * writes them.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }
}

/** Shape A: `{"errors":{"base":[...]}}`. */
export const baseError = (status: number, ...messages: string[]) => new ApiError(status, { errors: { base: messages } });

/** Shape B: `{"errors":{"field":[...]}}`. */
export const fieldErrors = (status: number, errors: Record<string, string[]>) => new ApiError(status, { errors });

/** Shape C: `{"errors":[...]}`. */
export const listError = (status: number, ...messages: string[]) => new ApiError(status, { errors: messages });

/** Shape D: `{"code":null,"message":...}`. */
export const messageError = (status: number, message: string) => new ApiError(status, { code: null, message });

// The catalogue of docs/quickblox-rest.md §6.2, by name.
export const unexpectedSignature = () => baseError(422, 'Unexpected signature');
export const badTimestamp = () => baseError(422, 'Bad timestamp');
export const noApplication = () => baseError(422, 'No Application Found');
export const unauthorized = () => listError(401, 'Unauthorized');
export const tokenRequired = () => listError(401, 'Token is required');
export const sessionMissing = () => baseError(401, 'Required session does not exist');
export const needUser = () => baseError(422, 'Forbidden. Need user.');
export const notOwner = () => baseError(403, 'You are not owner of this object');
export const userNotFound = () => messageError(404, "Couldn't find user");
export const rateLimited = () => baseError(429, 'Too Many Requests');
export const routeNotFound = () => messageError(404, 'Not Found');
