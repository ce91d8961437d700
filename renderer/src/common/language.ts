/** The two languages both UIs speak (UX.md): every catalogue has the same keys in each. */
export type Language = 'en' | 'sw';
export const languages: readonly Language[] = ['en', 'sw'];

/** The Intl locale each language formats dates with (Kenyan English and Kenyan Swahili). */
export const locale_of: Readonly<Record<Language, string>> = { en: 'en-KE', sw: 'sw-KE' };

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'sw';
}
