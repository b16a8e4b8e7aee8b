// PEM key/certificate pairs on disk: load and validate (the key matches the certificate, the
// certificate parses, its names and expiry), and write atomically (temporary files, fsync,
// rename, fsync the directory) so a crash never leaves a half-written or mismatched pair.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { open, readFile, rename, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../common/errors.js';
import type { KeyPair } from './self-signed.js';

export interface CertificateInfo {
  /** DNS names of the subjectAltName extension. */
  names: string[];
  notBefore: Date;
  notAfter: Date;
  issuer: string;
  serialNumber: string;
  fingerprint256: string;
}

export function certificateInfo(certPem: string): CertificateInfo {
  const x509 = new X509Certificate(certPem);
  const names = (x509.subjectAltName ?? '')
    .split(', ')
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4).toLowerCase());
  return {
    names,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    issuer: x509.issuer.replace(/\n/g, ', '),
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
  };
}

/** Throws a UserError saying what is wrong unless the pair is usable. */
export function validateKeyPair(pair: KeyPair, label: string): CertificateInfo {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pair.cert);
  } catch (err) {
    throw new UserError(`${label}: the certificate is not a PEM certificate (${(err as Error).message})`);
  }
  let key;
  try {
    key = createPrivateKey(pair.key);
  } catch (err) {
    throw new UserError(`${label}: the key is not a PEM private key (${(err as Error).message})`);
  }
  if (!x509.checkPrivateKey(key)) throw new UserError(`${label}: the private key does not belong to the certificate`);
  return certificateInfo(pair.cert);
}

export async function readKeyPair(keyFile: string, certFile: string): Promise<KeyPair> {
  const [key, cert] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read the certificate files: ${err.message}`);
  });
  return { key, cert };
}

async function writeTemporaryThenRename(file: string, data: string, mode: number): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/** Write key (0600) then certificate; the directory is fsync'd after both renames. */
export async function writeKeyPair(keyFile: string, certFile: string, pair: KeyPair): Promise<void> {
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  await writeTemporaryThenRename(keyFile, pair.key, 0o600);
  await writeTemporaryThenRename(certFile, pair.cert, 0o644);
  await syncDirectory(dirname(keyFile));
}

/** One file, written durably (mode 0600). */
export async function writeFileDurably(file: string, data: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeTemporaryThenRename(file, data, 0o600);
  await syncDirectory(dirname(file));
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
