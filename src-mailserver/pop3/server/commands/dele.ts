// DELE (RFC 1939 §5): mark for deletion; the message goes at QUIT.
import { err, ok, type Pop3CommandSpec } from '../session.js';

export const deleCommand: Pop3CommandSpec<{ name: 'DELE'; msg: number }> = {
  name: 'DELE',
  states: ['transaction'],
  async run({ command, session }) {
    const drop = session.maildrop!;
    const i = drop.index(command.msg);
    if (i < 0) return err('No such message');
    drop.deleted[i] = 1;
    return ok('Marked to be deleted');
  },
};
