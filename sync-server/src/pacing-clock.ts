/**
 * The server's one monotonic clock (milliseconds from an arbitrary start), an adapter at the
 * process edge like shared's systemClock: it paces the process — how long to step aside for
 * callback acknowledgements, how long a wait has lasted — and is never a time that is recorded or
 * compared with a date. Domain code takes it, like any Clock, from its caller (lint: DESIGN §2).
 */
import type { Clock } from '@payme/shared';

export const pacingClock: Clock = { now: () => performance.now() };
