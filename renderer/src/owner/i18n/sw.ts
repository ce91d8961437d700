/**
 * Maneno ya Kiswahili ya ukurasa wa mwenye duka. The same keys as en.ts (a test checks), words
 * from the UX.md glossary: mauzo, deni, mteja, bidhaa, stoo, risiti, jumla, salio, imelipwa,
 * inasubiri.
 */
import type { Messages } from './en.js';
import { manage_sw } from './manage-sw.js';

import { reports_sw } from './reports-sw.js';

export const sw: Messages = {
  app_name: 'PayMe — mwenye duka',
  loading: 'Inapakia…',
  retry: 'Jaribu tena',
  save: 'Hifadhi',
  saving: 'Inahifadhi…',
  cancel: 'Ghairi',
  close: 'Funga',
  language: 'Lugha',
  language_name: { en: 'English', sw: 'Kiswahili' },
  menu: 'Menyu',
  main_nav: 'Kurasa',
  page: {
    today: 'Leo',
    sales: 'Mauzo',
    stock: 'Stoo',
    credit: 'Kitabu cha deni',
    mpesa: 'M-Pesa',
    tills: 'Mashine za mauzo',
    catalog: 'Bidhaa na bei',
    staff: 'Wafanyakazi na PIN',
    customers: 'Wateja',
    settings: 'Mipangilio',
    audit: 'Ukaguzi',
    password: 'Badilisha nenosiri',
  },
  live: { connecting: 'Inaunganisha…', live: 'Moja kwa moja', reconnecting: 'Inaunganisha tena…', closed: 'Haiko moja kwa moja: pakia ukurasa upya' },
  signed_in_as: (name: string, role: string) => `${name} (${role})`,
  role: { owner: 'mwenye duka', manager: 'meneja', cashier: 'keshia' },
  log_out: 'Toka',
  logging_out: 'Inatoka…',

  login: {
    title: 'Ingia kwenye duka lako',
    email: 'Barua pepe',
    password: 'Nenosiri',
    submit: 'Ingia',
    submitting: 'Inaingia…',
    wrong: 'Barua pepe au nenosiri si sahihi.',
    several: 'Barua pepe hii iko kwenye biashara kadhaa. Uliza PayMe ni biashara ipi utumie.',
    expired: 'Muda wako wa kuingia umekwisha. Ingia tena.',
    signed_out: 'Umetolewa. Ingia tena.',
    logged_out: 'Umetoka.',
    rate_limited: 'Umejaribu mara nyingi mno. Subiri dakika moja ujaribu tena.',
    throttled: (minutes: number) =>
      minutes <= 1 ? 'Nenosiri lisilo sahihi mara nyingi mno kwa akaunti hii. Subiri dakika moja ujaribu tena.' : `Nenosiri lisilo sahihi mara nyingi mno kwa akaunti hii. Subiri dakika ${minutes} ujaribu tena.`,
  },
  password: {
    title: 'Badilisha nenosiri lako',
    current: 'Nenosiri la sasa',
    next: 'Nenosiri jipya',
    repeat: 'Nenosiri jipya tena',
    mismatch: 'halilingani na nenosiri jipya',
    submit: 'Badilisha nenosiri',
    done: 'Nenosiri limebadilishwa. Vivinjari vingine vilivyoingia kwa jina lako vimetolewa.',
  },
  owner_only: {
    title: 'Ukurasa huu ni wa mwenye duka',
    body: 'Meneja anaona kurasa za pesa na stoo; mipangilio, wafanyakazi, siri za M-Pesa na kustaafisha mashine ni za mwenye duka.',
  },
  not_found: 'Hakuna ukurasa kama huu.',
  field_error: (label: string, message: string) => `${label}: ${message}`,
  error_unexpected: 'Kuna hitilafu. Jaribu tena; ikiendelea, mwambie PayMe.',
  error_offline: 'Seva haipatikani. Angalia mtandao ujaribu tena.',
  waiting_for_server: 'Ukurasa huu unahitaji seva mpya zaidi: ripoti yake bado haipo.',
  manage: manage_sw,
  reports: reports_sw,
};
