// The facts about this server that the record builders and the checks need, gathered from the
// configuration and the DKIM key store in one place: host name, public addresses, client ports,
// report address, the smarthost (for SPF) and whether senders can trust our certificate.
import type { DkimKeyStore } from '../auth/dkim-keys.js';
import type { Config } from '../config/config.js';
import type { PublicAddresses } from './public-address.js';
import type { MailSetup, SmarthostSpf } from './records.js';

const STANDARD_PORTS = { imaps: 993, submissions: 465, pop3s: 995, https: 443 } as const;

/** Ports clients are told about: the configured one, the standard one when it is 0 (picked at start). */
function advertisedPort(name: keyof typeof STANDARD_PORTS, configured: number | null, running?: number): number | null {
  if (configured === null) return null;
  if (configured === 0) return running ?? STANDARD_PORTS[name];
  return configured;
}

export interface MailSetupInput {
  config: Config;
  domain: string;
  dkim: Pick<DkimKeyStore, 'published'>;
  publicIp: PublicAddresses;
  /** The smarthost mail is relayed through; default: the relay settings (config.relay). */
  relay?: SmarthostSpf | null;
  /** Ports the running server actually listens on (for ports configured as 0). */
  runningPorts?: Partial<Record<'imaps' | 'smtps' | 'pop3s' | 'https', number>>;
  ttl?: number;
}

/** MTA-STS `enforce` only when senders can trust our certificate (ACME or the user's own). */
export function mtaStsModeFor(config: Config): 'enforce' | 'testing' {
  const trustedCertificate = config.tls.acme.enabled || (config.tls.certFile !== null && config.tls.keyFile !== null);
  return trustedCertificate ? 'enforce' : 'testing';
}

export function mailSetupFor(input: MailSetupInput): MailSetup {
  const { config, domain } = input;
  return {
    domain,
    hostname: config.hostname.toLowerCase(),
    publicIp: input.publicIp,
    dkimKeys: input.dkim.published(domain),
    relay: input.relay !== undefined ? input.relay : config.relay ? { host: config.relay.host, spfInclude: config.relay.spfInclude } : null,
    relayScope: input.relay !== undefined ? 'all' : (config.relay?.scope ?? 'all'),
    ports: {
      imaps: advertisedPort('imaps', config.ports.imaps, input.runningPorts?.imaps),
      submissions: advertisedPort('submissions', config.ports.smtps, input.runningPorts?.smtps),
      pop3s: advertisedPort('pop3s', config.ports.pop3s, input.runningPorts?.pop3s),
      https: advertisedPort('https', config.ports.https, input.runningPorts?.https),
    },
    reportAddress: config.network.reportAddress ?? `postmaster@${domain}`,
    dmarcPolicy: config.network.dmarcPolicy,
    mtaStsMode: mtaStsModeFor(config),
    ttl: input.ttl ?? 300,
  };
}
