// UIDL (RFC 1939 §7): unique ids that stay the same across sessions (UID + UIDVALIDITY).
import { err, ok, type Pop3CommandSpec } from '../session.js';

export const uidlCommand: Pop3CommandSpec<{ name: 'UIDL'; msg: number | null }> = {
  name: 'UIDL',
  states: ['transaction'],
  async run({ command, session }) {
    const drop = session.maildrop!;
    if (command.msg !== null) {
      const i = drop.index(command.msg);
      return i < 0 ? err('No such message') : ok(`${command.msg} ${drop.uidl(i)}`);
    }
    const lines: string[] = [];
    for (let i = 0; i < drop.count; i++) if (!drop.deleted[i]) lines.push(`${i + 1} ${drop.uidl(i)}`);
    return ok('Unique ids follow', lines);
  },
};
