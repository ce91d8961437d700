/**
 * The one error shape of DESIGN §6, `{code, message, field?, ...details}`, and the stable codes
 * PayMe answers with. Clients switch on `code`; `message` is plain words for people.
 */
import { z } from 'zod';

export { error_codes, isErrorCode, type ErrorCode } from '../error-codes.js';

/** `{code, message, field?}` plus any details (issues, expected_seq, epoch, …), kept as they are. */
export const errorBodySchema = z.looseObject({
  code: z.string().min(1).max(64),
  message: z.string().max(2_000),
  field: z.string().max(500).optional(),
});
export type ErrorBodyShape = z.infer<typeof errorBodySchema>;

/** The schema-facing names of `validationError` / `parseOrThrow` (one implementation, in ../errors.ts). */
export { validationError as schemaError, parseOrThrow as parseInput } from '../errors.js';
