/**
 * What each page's bundle gets for zod's `locales` namespace (see vite.config.ts): English only.
 * zod registers English itself; both UIs show their own words (the till's error-words.ts, the
 * owner view's field messages) and never ask zod for another language, and the other ~45
 * locales were a third of the till bundle's bytes.
 */
export { default as en } from 'zod/v4/locales/en.js';
