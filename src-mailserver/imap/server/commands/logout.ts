// LOGOUT (RFC 9051 §6.1.3): BYE, then the tagged OK, then the connection closes.
import type { CommandSpec } from '../session.js';

export const logoutCommand: CommandSpec<{ name: 'LOGOUT' }> = {
  name: 'LOGOUT',
  states: ['notAuthenticated', 'authenticated', 'selected'],
  async run({ conn, session }) {
    await conn.send('* BYE Logging out.\r\n');
    session.state = 'logout';
    session.selected = null;
    return { status: 'OK', text: 'Logout completed.', after: 'close' };
  },
};
