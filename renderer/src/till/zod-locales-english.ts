/**
 * What the till's bundle gets for zod's `locales` namespace (see vite.config.ts): English only.
 * zod registers English itself; the till shows its own words (error-words.ts) and never asks
 * zod for another language, and the other ~45 locales were a third of the bundle's bytes.
 */
export { default as en } from 'zod/v4/locales/en.js';
