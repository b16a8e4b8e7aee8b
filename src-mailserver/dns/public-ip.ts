// Finding the address the internet sees: the `publicIp` setting when given (manual), else a
// global address on one of the machine's interfaces (a VPS), else the answer of an echo URL that
// returns the caller's address as plain text (a home behind NAT). Nothing is fetched unless an
// echo URL is configured.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isIP } from 'node:net';
import { errorMessage } from '../common/errors.js';
import { isGlobalAddress, parsePublicIp, type PublicAddresses } from './public-address.js';

export type PublicIpSource = 'manual' | 'interface' | 'echo' | 'none';

export interface PublicIpResult {
  addresses: PublicAddresses;
  source: PublicIpSource;
  /** Plain words: where the address came from, or why none was found. */
  detail: string;
}

export interface PublicIpOptions {
  /** The `publicIp` setting or `--public-ip` flag. */
  manual: string | null;
  echoUrl: string | null;
  timeoutMs?: number;
  /** For tests: the machine's interfaces. */
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** Global addresses on the machine's interfaces, one per family. */
export function interfaceAddresses(list: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): PublicAddresses {
  const out: PublicAddresses = { v4: null, v6: null };
  for (const infos of Object.values(list)) {
    for (const info of infos ?? []) {
      if (info.internal || !isGlobalAddress(info.address)) continue;
      if (info.family === 'IPv4' && !out.v4) out.v4 = info.address;
      if (info.family === 'IPv6' && !out.v6) out.v6 = info.address.toLowerCase();
    }
  }
  return out;
}

/** GET the echo URL; its body must be one IP address. */
export async function fetchEchoAddress(url: string, timeoutMs = 5000): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const text = (await response.text()).slice(0, 200).trim();
  if (!isIP(text)) throw new Error(`${url} did not answer with an IP address`);
  return text.toLowerCase();
}

export async function detectPublicIp(options: PublicIpOptions): Promise<PublicIpResult> {
  if (options.manual) {
    return { addresses: parsePublicIp(options.manual), source: 'manual', detail: `set by hand: ${options.manual}` };
  }
  const local = interfaceAddresses(options.interfaces?.());
  if (local.v4 || local.v6) {
    return { addresses: local, source: 'interface', detail: `a public address of this machine's network interface` };
  }
  if (!options.echoUrl) {
    return {
      addresses: { v4: null, v6: null },
      source: 'none',
      detail: 'no network interface has a public address (the machine is behind NAT) and no echo URL is configured: set the public IP by hand or configure an echo URL',
    };
  }
  try {
    const ip = await fetchEchoAddress(options.echoUrl, options.timeoutMs);
    const addresses = parsePublicIp(ip);
    return { addresses, source: 'echo', detail: `as seen by ${options.echoUrl}` };
  } catch (err) {
    return { addresses: { v4: null, v6: null }, source: 'none', detail: `could not ask ${options.echoUrl}: ${errorMessage(err)}` };
  }
}
