// `mailserver relay set|show|off`: the smarthost (config.json's relay section) and its password
// (the secret store: DATA/secrets.json, mode 0600; never the database, never the command line).
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors.js';
import { loadConfig } from '../config/config.js';
import { defaultDataDir, prepareDataDir } from '../config/data-dir.js';
import { RelayConfig, type RelayInput } from '../queue/relay-settings.js';
import { FileSecretStore } from '../secrets/file-secret-store.js';
import { print, readStdin, UsageError, type CliIo } from './io.js';

export const RELAY_USAGE = `usage: mailserver relay set --host HOST [--port N] [--tls starttls|tls|none] [--user NAME --password-stdin]
       [--domains D1,D2] [--no-verify] [--spf-include NAME] | show [--json] | off   [--data DIR]`;

export async function relayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      tls: { type: 'string' },
      user: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      domains: { type: 'string' },
      'no-verify': { type: 'boolean' },
      'spf-include': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if (action !== 'set' && action !== 'show' && action !== 'off') throw new UsageError(RELAY_USAGE);
  const dataDir = prepareDataDir(values.data ?? defaultDataDir());
  const secrets = new FileSecretStore(dataDir);
  const relay = new RelayConfig(dataDir, loadConfig(dataDir).relay, secrets);
  switch (action) {
    case 'show': {
      const current = relay.current();
      const hasPassword = (await relay.password()) !== null;
      if (values.json) print(io, JSON.stringify({ relay: current, passwordStored: hasPassword }));
      else if (!current) print(io, 'no relay: mail goes straight to each domain\'s MX');
      else {
        print(io, `relay ${current.host}:${current.port} (${current.tls}${current.verifyCertificate ? ', certificate verified' : ', certificate not verified'})`);
        print(io, `for ${current.scope === 'all' ? 'all outbound mail' : `mail to ${current.domains.join(', ')}`}`);
        print(io, current.username ? `login ${current.username}, password ${hasPassword ? 'stored' : 'MISSING'}` : 'no login');
      }
      return 0;
    }
    case 'off':
      await relay.set(null);
      print(io, 'relay removed');
      return 0;
    case 'set': {
      if (!values.host) throw new UsageError('relay set needs --host');
      const tls = values.tls ?? 'starttls';
      if (tls !== 'starttls' && tls !== 'tls' && tls !== 'none') throw new UsageError('--tls must be starttls, tls or none');
      const port = values.port === undefined ? (tls === 'tls' ? 465 : 587) : Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port must be a port number');
      if (values['password-stdin'] && !values.user) throw new UsageError('--password-stdin needs --user');
      if (values.user && !values['password-stdin']) throw new UsageError('give the password on standard input with --password-stdin');
      let password: string | undefined;
      if (values['password-stdin']) {
        password = await readStdin(io);
        if (!password) throw new UserError('empty password');
      }
      const domains = values.domains ? values.domains.split(',').map((d) => d.trim()).filter(Boolean) : [];
      const settings: RelayInput = {
        host: values.host,
        port,
        tls,
        username: values.user ?? null,
        scope: domains.length > 0 ? 'domains' : 'all',
        domains,
        verifyCertificate: !values['no-verify'],
        spfInclude: values['spf-include'] ?? null,
      };
      const saved = await relay.set(settings, values.user ? password : null);
      print(io, `relay set: ${saved!.host}:${saved!.port} for ${saved!.scope === 'all' ? 'all outbound mail' : saved!.domains.join(', ')}`);
      return 0;
    }
  }
}
