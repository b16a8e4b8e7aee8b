// `mailserver alias add SOURCE TARGET... | remove SOURCE [TARGET...] | list`. SOURCE is
// `user@domain`, or `@domain` for a catch-all.
import { parseArgs } from 'node:util';
import { print, UsageError, type CliIo } from './io.js';
import { openManageContext } from './manage-context.js';

export const ALIAS_USAGE = `usage: mailserver alias add SOURCE TARGET... | remove SOURCE [TARGET...] | list [DOMAIN] [--json]   [--data DIR]`;

export async function aliasCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { data: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [action, source, ...targets] = positionals;
  if (action === 'add') {
    if (!source || targets.length === 0) throw new UsageError('alias add needs a source and at least one target');
  } else if (action === 'remove') {
    if (!source) throw new UsageError('alias remove needs a source');
  } else if (action === 'list') {
    if (targets.length > 0) throw new UsageError(`unexpected argument: ${targets[0]}`);
  } else {
    throw new UsageError(ALIAS_USAGE);
  }
  const ctx = openManageContext(values.data);
  try {
    if (action === 'add') {
      const alias = ctx.directory.aliases.add(source!, targets);
      print(io, `alias ${alias.address} -> ${alias.targets.join(', ')}`);
    } else if (action === 'remove') {
      ctx.directory.aliases.remove(source!, targets);
      print(io, targets.length ? `removed ${targets.join(', ')} from ${source}` : `removed alias ${source}`);
    } else {
      const aliases = ctx.directory.aliases.list(source);
      if (values.json) print(io, JSON.stringify(aliases.map((a) => ({ address: a.address, targets: a.targets }))));
      else for (const a of aliases) print(io, `${a.address} -> ${a.targets.join(', ')}`);
    }
    return 0;
  } finally {
    ctx.close();
  }
}
