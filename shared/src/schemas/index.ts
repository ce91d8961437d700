export * from './common.js';
export * from './errors.js';
export * from './events.js';
export * from './till-records.js';
export * from './till-api.js';
export * from './sync.js';
export * from './daraja.js';
export * from './feed-records.js';
