// `mailserver domain add|remove|list`.
import { parseArgs } from 'node:util';
import { greylistingEnabled, setGreylisting } from '../abuse/greylist.js';
import { DomainTable } from '../directory/domains.js';
import { UserError } from '../common/errors.js';
import { addDomainWithKeys } from '../directory/provisioning.js';
import { print, UsageError, type CliIo } from './io.js';
import { openManageContext } from './manage-context.js';

export const DOMAIN_USAGE = `usage: mailserver domain add NAME | remove NAME [--force] | list [--json] | greylist NAME on|off   [--data DIR]`;

export async function domainCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { data: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const [action, name, ...extra] = positionals;
  if (action === 'greylist') return greylistCommand(name, extra, values.data, io);
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  if ((action === 'add' || action === 'remove') && !name) throw new UsageError(`domain ${action} needs a domain name`);
  if (action !== 'add' && action !== 'remove' && action !== 'list') throw new UsageError(DOMAIN_USAGE);
  const ctx = openManageContext(values.data);
  try {
    switch (action) {
      case 'add': {
        const domain = addDomainWithKeys(ctx.directory, name!);
        print(io, `added domain ${domain.name}`);
        break;
      }
      case 'remove':
        ctx.directory.domains.remove(name!, values.force ?? false);
        print(io, `removed domain ${name}`);
        break;
      case 'list': {
        const domains = ctx.directory.domains.list();
        const grey = (id: number) => greylistingEnabled(ctx.directory.db, id);
        if (values.json) print(io, JSON.stringify(domains.map((d) => ({ name: d.name, display: d.display, createdAt: d.createdAt, greylisting: grey(d.id) }))));
        else for (const d of domains) print(io, (d.display === d.name ? d.name : `${d.name} (${d.display})`) + (grey(d.id) ? '  [greylisting]' : ''));
        break;
      }
    }
    return 0;
  } finally {
    ctx.close();
  }
}

/** `domain greylist NAME on|off`: greylisting (RFC 6647) for mail to one domain; off by default. */
function greylistCommand(name: string | undefined, rest: string[], dataDir: string | undefined, io: CliIo): number {
  const [state, ...extra] = rest;
  if (!name || (state !== 'on' && state !== 'off') || extra.length > 0) throw new UsageError('usage: mailserver domain greylist NAME on|off');
  const ctx = openManageContext(dataDir);
  try {
    const domain = ctx.directory.domains.get(DomainTable.parse(name));
    if (!domain) throw new UserError(`no such domain: ${name}`, 'not_found');
    setGreylisting(ctx.directory.db, domain.id, state === 'on');
    print(io, `greylisting ${state} for ${domain.name}`);
    return 0;
  } finally {
    ctx.close();
  }
}
