/** What every route module is handed (DESIGN: services get their dependencies, no singletons). */
import type { Clock, Random } from '@payme/shared';
import type { Db } from './db/db.js';
import type { ServerSecretHasher } from './auth/secret-hasher.js';
import type { ServerConfig } from './config.js';
import type { AuditService } from './audit/audit-log.js';
import type { FeedNotifier } from './feed/changes.js';
import type { PushAdmission } from './ingest/push-admission.js';

export interface ServerDeps {
  db: Db;
  clock: Clock;
  random: Random;
  config: ServerConfig;
  audit: AuditService;
  feed: FeedNotifier;
  /** Password and PIN hashing off the event loop (auth/secret-hasher.ts). */
  hasher: ServerSecretHasher;
  /** Which push runs next, and which waits or is refused (ingest/push-admission.ts). */
  pushAdmission: PushAdmission;
}
