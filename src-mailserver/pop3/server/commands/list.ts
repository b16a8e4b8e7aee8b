// LIST (RFC 1939 §5): sizes, of one message or of all not marked deleted.
import { err, ok, type Pop3CommandSpec } from '../session.js';

export const listCommand: Pop3CommandSpec<{ name: 'LIST'; msg: number | null }> = {
  name: 'LIST',
  states: ['transaction'],
  async run({ command, session }) {
    const drop = session.maildrop!;
    if (command.msg !== null) {
      const i = drop.index(command.msg);
      return i < 0 ? err('No such message') : ok(`${command.msg} ${drop.sizes[i]}`);
    }
    const lines: string[] = [];
    for (let i = 0; i < drop.count; i++) if (!drop.deleted[i]) lines.push(`${i + 1} ${drop.sizes[i]}`);
    const { count, size } = drop.stat();
    return ok(`${count} messages (${size} octets)`, lines);
  },
};
