/** The owner view's catalogue, picked by the language chosen on this browser. */
import { createContext, useContext } from 'react';
import type { Language } from '../../common/language.js';
import { en, type Messages } from './en.js';
import { sw } from './sw.js';

export type { Messages };
export const catalogues: Record<Language, Messages> = { en, sw };

export const LanguageContext = createContext<Language>('en');

export function useT(): Messages {
  return catalogues[useContext(LanguageContext)];
}

export function useLanguage(): Language {
  return useContext(LanguageContext);
}
