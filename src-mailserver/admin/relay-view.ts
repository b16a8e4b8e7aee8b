// The outbound relay (smarthost) as the admin API shows it: queue/relay-settings.ts behind the
// contract's shape (enabled, host, port, TLS mode, user, whether a password is stored, the
// destination domains), and a test: a short message sent straight through the relay with the
// stored credentials, whose SMTP answer is reported as it comes.
import nodemailer from 'nodemailer';
import { errorMessage, UserError } from '../common/errors.js';
import type { RelayConfig, RelaySettings as StoredRelay } from '../queue/relay-settings.js';
import type { RelayInput, RelaySettings } from './contract.js';
import type { RelayAdmin } from './context.js';

const DEFAULTS: RelaySettings = { enabled: false, host: '', port: 587, tls: 'starttls', username: '', hasPassword: false, domains: [] };

export function relayAdmin(relay: RelayConfig, hostname: string, fromAddress: () => string | null): RelayAdmin {
  const view = async (s: StoredRelay | null): Promise<RelaySettings> => {
    const hasPassword = (await relay.password()) !== null;
    if (!s) return { ...DEFAULTS, hasPassword };
    return { enabled: true, host: s.host, port: s.port, tls: s.tls === 'tls' ? 'implicit' : s.tls, username: s.username ?? '', hasPassword, domains: s.scope === 'domains' ? s.domains : [] };
  };
  return {
    get: () => view(relay.current()),
    async set(input: RelayInput) {
      if (!input.enabled) return view(await relay.set(null, null));
      const current = relay.current();
      const next = await relay.set(
        {
          host: input.host,
          port: input.port,
          tls: input.tls === 'implicit' ? 'tls' : input.tls,
          username: input.username.trim() || null,
          scope: input.domains.length > 0 ? 'domains' : 'all',
          domains: input.domains,
          verifyCertificate: current?.verifyCertificate ?? true,
          spfInclude: current?.spfInclude ?? null,
        } as StoredRelay,
        input.password === undefined ? undefined : input.password === '' ? null : input.password,
      );
      return view(next);
    },
    async test(to) {
      const s = relay.current();
      if (!s) throw new UserError('no relay is set', 'invalid');
      const from = fromAddress();
      if (!from) throw new UserError('add a domain and an account first: the test message is sent from it', 'invalid');
      const password = await relay.password();
      const transport = nodemailer.createTransport({
        host: s.host,
        port: s.port,
        secure: s.tls === 'tls',
        requireTLS: s.tls === 'starttls',
        ignoreTLS: s.tls === 'none',
        name: hostname,
        auth: s.username ? { user: s.username, pass: password ?? '' } : undefined,
        tls: { rejectUnauthorized: s.verifyCertificate },
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      try {
        const info = await transport.sendMail({
          from,
          to,
          subject: 'Homemail relay test',
          text: `This message was sent through the relay ${s.host} to check that it accepts mail from ${hostname}.\n`,
        });
        return { ok: true, detail: `${s.host} accepted the test message: ${info.response}` };
      } catch (err) {
        return { ok: false, detail: `${s.host} did not accept the test message: ${errorMessage(err)}` };
      } finally {
        transport.close();
      }
    },
  };
}
