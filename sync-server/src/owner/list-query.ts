/** `?limit=&offset=` for the owner lists, bounded (TigerBeetle: a limit on everything). */
import { z } from 'zod';
import { strictBody } from '../http/input.js';

export const list_rows_max = 1_000;
export const list_offset_max = 1_000_000;

const wholeNumberText = (min: number, max: number, fallback: number) =>
  z
    .string({ error: 'must be a whole number' })
    .regex(/^\d{1,9}$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `may be at most ${max}` }))
    .optional()
    .transform((value) => value ?? fallback);

export const listQuery = strictBody({
  limit: wholeNumberText(1, list_rows_max, 500),
  offset: wholeNumberText(0, list_offset_max, 0),
});
