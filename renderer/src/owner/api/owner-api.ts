/**
 * The owner API as the pages call it: one function per endpoint, each with the shared schema
 * of its body and of its answer. Pages call these through TanStack Query (queries.ts).
 */
import { z } from 'zod';
import { loginAnswer, sessionResponseSchema, type ChangePasswordBody, type LoginBody } from '@payme/shared';
import type { OwnerHttp } from './owner-http.js';
import { createReportsApi } from './reports-api.js';

const nothing = z.unknown();

export function createOwnerApi(http: OwnerHttp) {
  return {
    http,
    auth: {
      session: () => http.get('/v1/auth/session', sessionResponseSchema),
      login: (body: LoginBody) => http.send('POST', '/v1/auth/login', body, loginAnswer),
      logout: () => http.send('POST', '/v1/auth/logout', undefined, nothing),
      changePassword: (body: ChangePasswordBody) => http.send('POST', '/v1/auth/password', body, z.looseObject({ changed: z.literal(true) })),
    },
    reports: createReportsApi(http),
  };
}

export type OwnerApi = ReturnType<typeof createOwnerApi>;
