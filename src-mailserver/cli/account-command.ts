// `mailserver account add|remove|list|passwd`. Passwords come from stdin (`--password-stdin`),
// never from the command line, where other users could read them.
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors.js';
import { hashPassword } from '../auth/passwords.js';
import { AccountTable } from '../directory/accounts.js';
import { addAccountWithMaildir, checkNewPassword } from '../directory/provisioning.js';
import { print, readStdin, UsageError, type CliIo } from './io.js';
import { openManageContext } from './manage-context.js';

export const ACCOUNT_USAGE = `usage: mailserver account add ADDRESS --password-stdin [--quota BYTES] | remove ADDRESS |
       list [DOMAIN] [--json] | passwd ADDRESS --password-stdin   [--data DIR]`;

async function readPassword(io: CliIo, fromStdin: boolean | undefined): Promise<string> {
  if (!fromStdin) throw new UsageError('give the password on standard input with --password-stdin');
  const password = await readStdin(io);
  checkNewPassword(password);
  return password;
}

function parseQuota(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^(\d+)\s*([kmgt]?)b?$/i.exec(text.trim());
  if (!m) throw new UserError(`invalid quota: ${JSON.stringify(text)} (bytes, or with K, M, G, T)`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * unit;
}

export async function accountCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      quota: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [action, address, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if (action === 'add' || action === 'remove' || action === 'passwd') {
    if (!address) throw new UsageError(`account ${action} needs an address`);
  } else if (action !== 'list') {
    throw new UsageError(ACCOUNT_USAGE);
  }
  if (action === 'add') {
    // Everything that can be checked is checked before anything is written.
    AccountTable.parseNew(address!);
    const quota = parseQuota(values.quota);
    const password = await readPassword(io, values['password-stdin']);
    const ctx = openManageContext(values.data);
    try {
      const account = await addAccountWithMaildir(ctx.directory, ctx.store, { address: address!, password, quotaBytes: quota });
      print(io, `added account ${account.address}`);
      return 0;
    } finally {
      ctx.close();
    }
  }
  if (action === 'passwd') {
    const password = await readPassword(io, values['password-stdin']);
    const ctx = openManageContext(values.data);
    try {
      if (!ctx.directory.accounts.get(address!)) throw new UserError(`no such account: ${address}`);
      ctx.directory.accounts.setPasswordHash(address!, await hashPassword(password));
      print(io, `password changed for ${address}`);
      return 0;
    } finally {
      ctx.close();
    }
  }
  const ctx = openManageContext(values.data);
  try {
    if (action === 'remove') {
      const account = ctx.directory.accounts.remove(address!);
      print(io, `removed account ${account.address}; its mail stays in ${ctx.store.maildirOf(account)}`);
      return 0;
    }
    const domainFilter = address;
    const accounts = ctx.directory.accounts.list(domainFilter);
    if (values.json) {
      print(
        io,
        JSON.stringify(
          accounts.map((a) => ({ address: a.address, quotaBytes: a.quotaBytes, quotaMessages: a.quotaMessages, disabled: a.disabled, createdAt: a.createdAt })),
        ),
      );
    } else {
      for (const a of accounts) print(io, a.address + (a.quotaBytes !== null ? `  quota=${a.quotaBytes}` : '') + (a.disabled ? '  (disabled)' : ''));
    }
    return 0;
  } finally {
    ctx.close();
  }
}
