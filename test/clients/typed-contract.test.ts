import { ErrorReason, type GatewayReason, takenReason, userFieldPaths, userMask } from '../../clients/src';
import { isWritableUserField } from '../../server/mapping/user-params';

it('offers as typed mask paths exactly the fields the gateway takes in update_mask', () => {
  for (const path of userFieldPaths) expect(isWritableUserField(path)).toBe(true);
  expect(isWritableUserField('password')).toBe(false);
  expect(userMask('full_name', 'tags')).toEqual(['full_name', 'tags']);
  // @ts-expect-error a misspelt path does not compile
  userMask('fullName');
});

it('types GatewayError.reason as the documented reasons or a taken field', () => {
  const reasons: GatewayReason[] = [ErrorReason.SESSION_EXPIRED, takenReason('external_id'), 'LOGIN_TAKEN'];
  expect(reasons).toEqual(['SESSION_EXPIRED', 'EXTERNAL_ID_TAKEN', 'LOGIN_TAKEN']);
  // @ts-expect-error not a reason the gateway raises
  const wrong: GatewayReason = 'SESION_EXPIRED';
  expect(wrong).toBe('SESION_EXPIRED');
});
