// The headless entry point: `mailserver <command>`. Management commands work on the data
// directory whether or not the server runs. Errors print one line and exit non-zero
// (1 for a refused operation, 2 for a usage mistake).
import { UserError } from './common/errors.js';
import { accountCommand, ACCOUNT_USAGE } from './cli/account-command.js';
import { aliasCommand, ALIAS_USAGE } from './cli/alias-command.js';
import { dkimCommand, DKIM_USAGE } from './cli/dkim-command.js';
import { dnsCommand, DNS_USAGE } from './cli/dns-command.js';
import { domainCommand, DOMAIN_USAGE } from './cli/domain-command.js';
import { UsageError, type CliIo } from './cli/io.js';
import { queueCommand, QUEUE_USAGE } from './cli/queue-command.js';
import { relayCommand, RELAY_USAGE } from './cli/relay-command.js';
import { serveCommand, SERVE_USAGE } from './cli/serve-command.js';
import { seedCommand, SEED_USAGE } from './cli/seed-command.js';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  serve: { run: serveCommand, usage: SERVE_USAGE },
  domain: { run: domainCommand, usage: DOMAIN_USAGE },
  account: { run: accountCommand, usage: ACCOUNT_USAGE },
  alias: { run: aliasCommand, usage: ALIAS_USAGE },
  dns: { run: dnsCommand, usage: DNS_USAGE },
  queue: { run: queueCommand, usage: QUEUE_USAGE },
  relay: { run: relayCommand, usage: RELAY_USAGE },
  dkim: { run: dkimCommand, usage: DKIM_USAGE },
  seed: { run: seedCommand, usage: SEED_USAGE },
};

export const USAGE = `mailserver: a personal mail server (SMTP, Maildir, IMAP, POP3)

${Object.values(COMMANDS)
  .map((c) => c.usage)
  .join('\n')}

Every command takes --data DIR (default: $MAILSERVER_DATA, else the per-user app data folder).`;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`mailserver: unknown command "${name}" (try mailserver help)\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`mailserver ${name}: ${oneLine((err as Error).message)}\n`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`mailserver ${name}: ${oneLine(err.message)}\n`);
      return 1;
    }
    io.stderr.write(`mailserver ${name}: failed: ${oneLine((err as Error)?.message ?? String(err))}\n`);
    return 1;
  }
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
