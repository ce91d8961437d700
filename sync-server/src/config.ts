/**
 * Server configuration: every tunable with its default. Tests pass cheaper hash costs and
 * looser rate limits; production reads the environment in the CLI and passes the result here.
 */
import { password_hash_cost, pin_hash_cost, type SecretHashCost } from '@payme/shared';
import type { SigningKey } from './audit/signing-key.js';
import { default_hash_queue_max, default_hash_threads } from './auth/secret-hasher.js';
import { default_login_throttle, type LoginThrottlePolicy } from './auth/login-throttle.js';
import type { PushAdmissionLimits } from './ingest/push-admission.js';

export interface RateLimit {
  max: number;
  timeWindow: number;
}

export interface ServerConfig {
  /** Signs audit checkpoints; the CLI loads or generates it, tests pass one. */
  signing_key: SigningKey | null;
  /** Retired checkpoint keys (key id → hex public key) that must still verify. */
  retired_public_keys: Record<string, string>;
  session_ttl_ms: number;
  enrollment_code_ttl_ms: number;
  /** Mark cookies `Secure` (behind the TLS proxy in production). */
  cookie_secure: boolean;
  /** Forwarded headers are trusted only from this proxy address (or list), never by default. */
  trust_proxy: string | string[] | false;
  /** `GET /metrics` for requests that are not direct loopback (`PAYME_METRICS_TOKEN`); null: loopback only. */
  metrics_token: string | null;
  password_hash_cost: SecretHashCost;
  pin_hash_cost: SecretHashCost;
  /** Threads that hash passwords and PINs (auth/secret-hasher.ts); the default leaves a core to the event loop. */
  hash_threads: number;
  /** Hashes that may wait for a thread; past it a sign-in is refused with 503 and Retry-After. */
  hash_queue_max: number;
  /** The per-account sign-in limit (auth/login-throttle.ts), beside the per-IP `rate_limits.login`. */
  login_throttle: LoginThrottlePolicy;
  checkpoint_interval_ms: number;
  /** Default JSON body limit; push and callbacks set their own. */
  body_limit_bytes: number;
  rate_limits: { login: RateLimit; enroll: RateLimit; push: RateLimit; payment: RateLimit };
  /** Fair admission of pushes (ingest/push-admission.ts); left out, the defaults for the database kind. */
  push_admission: Partial<PushAdmissionLimits>;
  /**
   * BENCHMARKS ONLY: pushes skip the rollup step, so the owner's reports go wrong. server-ingest
   * turns it on and off to measure what the rollups cost; nothing else may.
   */
  bench_skip_rollups: boolean;
}

export type ServerConfigInput = Partial<Omit<ServerConfig, 'rate_limits'>> & { rate_limits?: Partial<ServerConfig['rate_limits']> };

export const default_config: ServerConfig = {
  signing_key: null,
  retired_public_keys: {},
  session_ttl_ms: 12 * 60 * 60 * 1000,
  enrollment_code_ttl_ms: 15 * 60 * 1000,
  cookie_secure: false,
  trust_proxy: false,
  metrics_token: null,
  password_hash_cost,
  pin_hash_cost,
  hash_threads: default_hash_threads,
  hash_queue_max: default_hash_queue_max,
  login_throttle: default_login_throttle,
  checkpoint_interval_ms: 60_000,
  body_limit_bytes: 256 * 1024,
  rate_limits: {
    login: { max: 10, timeWindow: 60_000 },
    enroll: { max: 10, timeWindow: 60_000 },
    push: { max: 600, timeWindow: 60_000 },
    payment: { max: 60, timeWindow: 60_000 },
  },
  push_admission: {},
  bench_skip_rollups: false,
};

export function resolveConfig(input: ServerConfigInput = {}): ServerConfig {
  return { ...default_config, ...input, rate_limits: { ...default_config.rate_limits, ...input.rate_limits } };
}
