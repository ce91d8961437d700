/** The message catalogue: English and Swahili with the same keys, picked per user. */
import { createContext, useContext } from 'react';
import { en, type Messages } from './en.js';
import { sw } from './sw.js';

export type Language = 'en' | 'sw';
export const catalogues: Record<Language, Messages> = { en, sw };
export const languages: readonly Language[] = ['en', 'sw'];
export type { Messages };

export const LanguageContext = createContext<Language>('en');

export function useT(): Messages {
  return catalogues[useContext(LanguageContext)];
}
