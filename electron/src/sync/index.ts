/** The till's sync agent (DESIGN §5): see README.md. */
export { SyncAgent, createSyncAgent, type SyncAgentOptions, type SyncStatus, type SyncDetail } from './sync-agent.js';
export { default_sync_config, type SyncAgentConfig, type SyncAlarm, type SyncAlarmCode, type StepOutcome } from './agent-state.js';
export { createHttpTransport, type HttpTransportOptions } from './transport.http.js';
export { SyncNetworkError, type SyncTransport, type TransportResponse } from './transport.js';
export { ManualScheduler, realScheduler, settle, type Scheduler } from './scheduler.js';
export { ledgerForSync, type SyncLedger, type AdoptRecoveredHistoryInput, type MoveToNewTillInput } from './sync-ledger.js';
export { retryDelayMs, retryAfterMs } from './backoff.js';
export { takeBatch } from './push-step.js';
export { feedPageSchema, ledgerChange, ledgerChanges, type FeedPage } from './feed-scope.js';
