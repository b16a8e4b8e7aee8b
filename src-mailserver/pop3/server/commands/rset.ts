// RSET (RFC 1939 §5): unmark every message marked deleted.
import { ok, type Pop3CommandSpec } from '../session.js';

export const rsetCommand: Pop3CommandSpec<{ name: 'RSET' }> = {
  name: 'RSET',
  states: ['transaction'],
  async run({ session }) {
    session.maildrop!.deleted.fill(0);
    const { count, size } = session.maildrop!.stat();
    return ok(`${count} messages (${size} octets)`);
  },
};
