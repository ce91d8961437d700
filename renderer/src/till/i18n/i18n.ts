/** The message catalogue: English and Swahili with the same keys, picked per user. */
import { createContext, useContext } from 'react';
import { en, type Messages } from './en.js';
import { sw } from './sw.js';
import type { Language } from '../../common/language.js';

export { languages, type Language } from '../../common/language.js';
export const catalogues: Record<Language, Messages> = { en, sw };
export type { Messages };

export const LanguageContext = createContext<Language>('en');

export function useT(): Messages {
  return catalogues[useContext(LanguageContext)];
}
