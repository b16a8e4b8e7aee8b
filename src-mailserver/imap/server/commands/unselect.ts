// UNSELECT (RFC 3691, RFC 9051 §6.4.2): leave the selected state without expunging.
import { ok, type CommandSpec } from '../session.js';

export const unselectCommand: CommandSpec<{ name: 'UNSELECT' }> = {
  name: 'UNSELECT',
  states: ['selected'],
  async run(ctx) {
    ctx.session.selected = null;
    ctx.session.state = 'authenticated';
    return ok('Unselect completed.');
  },
};
