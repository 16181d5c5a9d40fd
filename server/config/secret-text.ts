import { z } from 'zod';

/** A secret as a header carries it: printable ASCII without spaces (a stray quote or newline is the usual mistake). */
export const secretText = z.string().regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (check for a stray quote or newline)');
