// ID (RFC 2971): the client's name and version go to the log; our answer stays minimal (one
// server had to stop answering ID for newer Outlook, see CLIENTS.md).
import { ok, type CommandSpec } from '../session.js';

export const idCommand: CommandSpec<{ name: 'ID'; params: [string, string | null][] | null }> = {
  name: 'ID',
  states: ['notAuthenticated', 'authenticated', 'selected'],
  async run({ command, session, conn, log }) {
    if (command.params) {
      const fields = Object.fromEntries(command.params.filter(([k]) => ['name', 'version', 'vendor', 'os'].includes(k.toLowerCase())).map(([k, v]) => [k.toLowerCase(), (v ?? '').slice(0, 100)]));
      session.clientId = [fields.name, fields.version].filter(Boolean).join(' ') || null;
      log.debug({ client: fields }, 'client id');
    }
    await conn.send('* ID ("name" "Homemail")\r\n');
    return ok('ID completed.');
  },
};
