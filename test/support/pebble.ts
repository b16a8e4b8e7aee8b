// pebble, the ACME test CA, on a loopback address: its own TLS certificate from a test CA, the
// challenge port and DNS server the test gives, no random sleeps, nonce rejections or
// authorization reuse (so every order really validates). Stopped when the test ends.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:https';
import type { TestContext } from 'node:test';
import { freePort } from './knot.js';
import { makeTestCa } from './test-ca.js';
import { makeTempDir } from './temp-dir.js';

export interface Pebble {
  directoryUrl: string;
  /** PEM file trusted for pebble's own HTTPS (tls.acme.caFile). */
  caFile: string;
  /** The root that signs issued certificates (from the management interface). */
  issuingRoot(): Promise<string>;
  log(): Promise<string>;
}

function get(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

export async function startPebble(t: Pick<TestContext, 'after'>, options: { address: string; dnsServer: string; httpPort: number; validitySeconds?: number }): Promise<Pebble> {
  const dir = await makeTempDir('pebble-');
  const ca = await makeTestCa('Pebble Listener CA');
  const leaf = await ca.issue([options.address, 'localhost']);
  await writeFile(join(dir.path, 'cert.pem'), leaf.cert);
  await writeFile(join(dir.path, 'key.pem'), leaf.key);
  const caFile = join(dir.path, 'ca.pem');
  await writeFile(caFile, ca.cert);
  const [port, mgmt] = [await freePort(options.address), await freePort(options.address)];
  await writeFile(
    join(dir.path, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `${options.address}:${port}`,
        managementListenAddress: `${options.address}:${mgmt}`,
        certificate: join(dir.path, 'cert.pem'),
        privateKey: join(dir.path, 'key.pem'),
        httpPort: options.httpPort,
        tlsPort: await freePort(options.address),
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        certificateValidityPeriod: options.validitySeconds ?? 90 * 24 * 3600,
      },
    }),
  );
  const logFile = join(dir.path, 'pebble.log');
  const fd = openSync(logFile, 'a');
  const child = spawn('pebble', ['-config', join(dir.path, 'pebble.json'), '-dnsserver', options.dnsServer], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
  });
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await ca.remove();
    await dir.remove();
  });
  const directoryUrl = `https://${options.address}:${port}/dir`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await get(directoryUrl, ca.cert);
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`pebble did not start: ${String(err)}\n${await readFile(logFile, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    directoryUrl,
    caFile,
    issuingRoot: () => get(`https://${options.address}:${mgmt}/roots/0`, ca.cert),
    log: () => readFile(logFile, 'utf8'),
  };
}
