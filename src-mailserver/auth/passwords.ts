// Password hashing in a scheme Dovecot reads as-is: `{ARGON2ID}` + the PHC string
// (`$argon2id$v=19$m=...,t=...,p=1$salt$hash`). Parallelism is 1 because Dovecot verifies with
// libsodium, which accepts only p=1. Verification also accepts a bare argon2 PHC string.
import argon2 from 'argon2';

const SCHEME = '{ARGON2ID}';
// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  if (!password) throw new Error('empty password');
  return SCHEME + canonicalParamOrder(await argon2.hash(password, PARAMS));
}

/**
 * The argon2 package writes the parameters as `m=,p=,t=`; libsodium (and so Dovecot) parses
 * only the reference order `m=,t=,p=`. Rewrite to the reference order.
 */
export function canonicalParamOrder(phc: string): string {
  return phc.replace(/\$((?:[mpt]=\d+,?){3})\$/, (_whole, params: string) => {
    const map = new Map(params.split(',').map((kv) => kv.split('=') as [string, string]));
    return `$m=${map.get('m')},t=${map.get('t')},p=${map.get('p')}$`;
  });
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const phc = stored.startsWith(SCHEME) ? stored.slice(SCHEME.length) : stored;
  if (!phc.startsWith('$argon2')) return false;
  try {
    return await argon2.verify(phc, password);
  } catch {
    return false;
  }
}
