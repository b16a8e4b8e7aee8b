// DKIM key pairs per domain (RFC 6376, RFC 8463): generated with node:crypto when a domain is
// added, one RSA 2048 and one Ed25519 key, each under its own selector. States: `published`
// (in DNS, not signing yet), `active` (signing), `retired`. Signing itself uses mailauth.
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { sql, type Db } from '../directory/database.js';

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';
export type DkimKeyState = 'published' | 'active' | 'retired';

export interface DkimKey {
  id: number;
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  /** PKCS#8 PEM. */
  privateKey: string;
  /** Base64 value of the p= tag. */
  publicKey: string;
  state: DkimKeyState;
  createdAt: number;
  activatedAt: number | null;
}

interface Row {
  id: number;
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  private_key: string;
  public_key: string;
  state: DkimKeyState;
  created_at: number;
  activated_at: number | null;
}

const SELECT = `SELECT k.id, d.name AS domain, k.selector, k.algorithm, k.private_key, k.public_key, k.state, k.created_at,
  k.activated_at FROM dkim_keys k JOIN domains d ON d.id = k.domain_id`;

const toKey = (r: Row): DkimKey => ({
  id: r.id,
  domain: r.domain,
  selector: r.selector,
  algorithm: r.algorithm,
  privateKey: r.private_key,
  publicKey: r.public_key,
  state: r.state,
  createdAt: r.created_at,
  activatedAt: r.activated_at,
});

/** Generate a key pair; returns the PEM private key and the p= value. */
export function generateDkimKeyPair(algorithm: DkimAlgorithm): { privateKey: string; publicKey: string } {
  if (algorithm === 'rsa-sha256') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // RFC 8463 §4.2: p= is the raw 32-byte public key, not the SPKI structure.
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: spki.subarray(spki.length - 32).toString('base64'),
  };
}

/** The TXT value to publish at `<selector>._domainkey.<domain>`. */
export function dkimRecordValue(key: Pick<DkimKey, 'algorithm' | 'publicKey'>): string {
  return `v=DKIM1; k=${key.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519'}; p=${key.publicKey}`;
}

export function dkimRecordName(key: Pick<DkimKey, 'selector' | 'domain'>): string {
  return `${key.selector}._domainkey.${key.domain}`;
}

export class DkimKeyStore {
  constructor(private readonly db: Db) {}

  list(domain?: string): DkimKey[] {
    const rows = domain
      ? (sql(this.db, `${SELECT} WHERE d.name = ? ORDER BY k.created_at, k.selector`).all(domain) as Row[])
      : (sql(this.db, `${SELECT} ORDER BY d.name, k.created_at, k.selector`).all() as Row[]);
    return rows.map(toKey);
  }

  /** Keys that sign now for a domain. */
  active(domain: string): DkimKey[] {
    return this.list(domain).filter((k) => k.state === 'active');
  }

  /** Keys that must be in DNS: active and published (not yet signing). */
  published(domain: string): DkimKey[] {
    return this.list(domain).filter((k) => k.state !== 'retired');
  }

  /** Give a domain its first RSA and Ed25519 keys if it has none (idempotent). */
  ensureForDomain(domain: string): DkimKey[] {
    const existing = this.list(domain).filter((k) => k.state !== 'retired');
    if (existing.length > 0) return existing;
    return [this.create(domain, 'rsa-sha256', 'active'), this.create(domain, 'ed25519-sha256', 'active')];
  }

  /** Create a key under a new selector (`rsa202611`, `ed202611`, then `rsa202611b` ...). */
  create(domain: string, algorithm: DkimAlgorithm, state: DkimKeyState, now = new Date()): DkimKey {
    const d = sql(this.db, 'SELECT id FROM domains WHERE name = ?').get(domain) as { id: number } | undefined;
    if (!d) throw new Error(`no such domain: ${domain}`);
    const prefix = `${algorithm === 'rsa-sha256' ? 'rsa' : 'ed'}${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const taken = new Set(this.list(domain).map((k) => k.selector));
    let selector = prefix;
    for (let i = 0; taken.has(selector); i++) selector = prefix + String.fromCharCode(98 + i);
    const pair = generateDkimKeyPair(algorithm);
    const info = sql(
      this.db,
      `INSERT INTO dkim_keys (domain_id, selector, algorithm, private_key, public_key, state, created_at, activated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(d.id, selector, algorithm, pair.privateKey, pair.publicKey, state, now.getTime(), state === 'active' ? now.getTime() : null);
    return toKey(sql(this.db, `${SELECT} WHERE k.id = ?`).get(Number(info.lastInsertRowid)) as Row);
  }

  setState(id: number, state: DkimKeyState): void {
    sql(this.db, 'UPDATE dkim_keys SET state = ?, activated_at = CASE WHEN ? = \'active\' THEN ? ELSE activated_at END WHERE id = ?').run(
      state,
      state,
      Date.now(),
      id,
    );
  }
}

/** Check that a PEM private key loads (used when importing keys). */
export function isUsablePrivateKey(pem: string): boolean {
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}
