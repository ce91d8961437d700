/**
 * A business's Daraja account: settings in clear, secrets sealed (credentials.ts) in
 * `mpesa_credentials`. The callback path secret is sealed too; only its SHA-256 is kept in
 * clear so a callback can find its business. Nothing here logs or returns a secret, except
 * `loadMpesaAccount` to the code that calls Daraja.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isoAt, randomToken, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import { maskSecret, openCredential, sealCredential, sealedKeyId, keyringOf, type Keyring, type MasterKey } from './credentials.js';

export const mpesaSecretsSchema = z.strictObject({
  consumer_key: z.string().min(1).max(200),
  consumer_secret: z.string().min(1).max(200),
  passkey: z.string().min(1).max(200),
  initiator_name: z.string().min(1).max(100).optional(),
  security_credential: z.string().min(1).max(2_000).optional(),
  callback_secret: z.string().min(16).max(100),
});
export type MpesaSecrets = z.infer<typeof mpesaSecretsSchema>;

export interface MpesaAccountSettings {
  base_url: string;
  kind: 'till' | 'paybill';
  business_shortcode: string;
  till_number?: string | undefined;
  callback_base_url: string;
  trust_callbacks?: boolean;
  time_zone?: string;
}

export interface MpesaAccount extends Required<Omit<MpesaAccountSettings, 'till_number'>> {
  business_id: string;
  till_number: string | undefined;
  secrets: MpesaSecrets;
}

export function callbackSecretHash(secret: string): string {
  return createHash('sha256').update(`payme-mpesa-callback|${secret}`).digest('hex');
}

/** The callback URLs Daraja is given for this account. */
export function callbackUrls(account: Pick<MpesaAccount, 'callback_base_url' | 'secrets'>) {
  const base = `${account.callback_base_url.replace(/\/+$/, '')}/v1/mpesa/${account.secrets.callback_secret}`;
  return {
    stk: `${base}/stk`,
    validation: `${base}/c2b/validation`,
    confirmation: `${base}/c2b/confirmation`,
    result: `${base}/result`,
    timeout: `${base}/timeout`,
  };
}

/**
 * Stores (or replaces) the account. A new callback secret is drawn unless one is given;
 * returns it so the caller can register the C2B URLs.
 */
export async function saveMpesaAccount(
  tx: Db,
  env: { keyring: Keyring; random: Random; clock: Clock },
  businessId: string,
  settings: MpesaAccountSettings,
  secrets: Omit<MpesaSecrets, 'callback_secret'> & { callback_secret?: string },
): Promise<{ callback_secret: string }> {
  const full = mpesaSecretsSchema.parse({ ...secrets, callback_secret: secrets.callback_secret ?? randomToken(env.random, 24) });
  const sealed = sealCredential(env.keyring, businessId, JSON.stringify(full), env.random);
  await tx.query(
    `INSERT INTO mpesa_credentials (business_id, base_url, kind, business_shortcode, till_number, callback_base_url,
        callback_secret_hash, trust_callbacks, secrets_sealed, key_id, time_zone, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (business_id) DO UPDATE SET base_url = EXCLUDED.base_url, kind = EXCLUDED.kind,
        business_shortcode = EXCLUDED.business_shortcode, till_number = EXCLUDED.till_number,
        callback_base_url = EXCLUDED.callback_base_url, callback_secret_hash = EXCLUDED.callback_secret_hash,
        trust_callbacks = EXCLUDED.trust_callbacks, secrets_sealed = EXCLUDED.secrets_sealed,
        key_id = EXCLUDED.key_id, time_zone = EXCLUDED.time_zone, updated_at = EXCLUDED.updated_at`,
    [
      businessId,
      settings.base_url,
      settings.kind,
      settings.business_shortcode,
      settings.till_number ?? null,
      settings.callback_base_url,
      callbackSecretHash(full.callback_secret),
      settings.trust_callbacks ?? false,
      sealed,
      env.keyring.current.id,
      settings.time_zone ?? 'Africa/Nairobi',
      isoAt(env.clock.now()),
    ],
  );
  return { callback_secret: full.callback_secret };
}

interface AccountRow {
  business_id: string;
  base_url: string;
  kind: 'till' | 'paybill';
  business_shortcode: string;
  till_number: string | null;
  callback_base_url: string;
  trust_callbacks: boolean;
  secrets_sealed: string;
  time_zone: string;
}

const account_columns = `business_id::text AS business_id, base_url, kind, business_shortcode, till_number, callback_base_url,
  trust_callbacks, secrets_sealed, time_zone`;

export async function loadMpesaAccount(db: Db, keyring: Keyring, businessId: string): Promise<MpesaAccount | undefined> {
  const rows = await db.query<AccountRow>(`SELECT ${account_columns} FROM mpesa_credentials WHERE business_id = $1`, [businessId]);
  const row = rows[0];
  if (!row) return undefined;
  const secrets = mpesaSecretsSchema.parse(JSON.parse(openCredential(keyring, businessId, row.secrets_sealed)));
  return {
    business_id: row.business_id,
    base_url: row.base_url,
    kind: row.kind,
    business_shortcode: row.business_shortcode,
    till_number: row.till_number ?? undefined,
    callback_base_url: row.callback_base_url,
    trust_callbacks: row.trust_callbacks,
    time_zone: row.time_zone,
    secrets,
  };
}

/** The business a callback path secret belongs to, or undefined. */
export async function businessForCallbackSecret(db: Db, secret: string): Promise<string | undefined> {
  if (secret.length < 16 || secret.length > 100) return undefined;
  const rows = await db.query<{ business_id: string }>('SELECT business_id::text AS business_id FROM callback_secrets WHERE secret_hash = $1', [callbackSecretHash(secret)]);
  return rows[0]?.business_id;
}

/** The owner's view: settings in clear, every secret masked. */
export function maskedAccount(account: MpesaAccount) {
  return {
    base_url: account.base_url,
    kind: account.kind,
    business_shortcode: account.business_shortcode,
    till_number: account.till_number ?? null,
    callback_base_url: account.callback_base_url,
    trust_callbacks: account.trust_callbacks,
    consumer_key: maskSecret(account.secrets.consumer_key),
    consumer_secret: maskSecret(account.secrets.consumer_secret),
    passkey: maskSecret(account.secrets.passkey),
    initiator_name: account.secrets.initiator_name ? maskSecret(account.secrets.initiator_name) : null,
    security_credential: account.secrets.security_credential ? maskSecret(account.secrets.security_credential) : null,
  };
}

/**
 * Re-seals every stored credential under `newKey` (`payme-server keys rotate`). Rows already
 * under the new key are left alone, so a rotation interrupted half-way can simply run again.
 */
export async function rotateKeys(db: Db, oldKeys: readonly MasterKey[], newKey: MasterKey, random: Random): Promise<{ resealed: number; already_current: number }> {
  const keyring = keyringOf(newKey, oldKeys);
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ business_id: string; secrets_sealed: string }>(
      'SELECT business_id::text AS business_id, secrets_sealed FROM mpesa_credentials ORDER BY business_id FOR UPDATE',
    );
    let resealed = 0;
    for (const row of rows) {
      if (sealedKeyId(row.secrets_sealed) === newKey.id) continue;
      const plaintext = openCredential(keyring, row.business_id, row.secrets_sealed);
      await tx.query('UPDATE mpesa_credentials SET secrets_sealed = $2, key_id = $3 WHERE business_id = $1', [
        row.business_id,
        sealCredential(keyring, row.business_id, plaintext, random),
        newKey.id,
      ]);
      resealed += 1;
    }
    return { resealed, already_current: rows.length - resealed };
  });
}
