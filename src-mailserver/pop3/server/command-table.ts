// The POP3 command table: each command with the states it is valid in (RFC 1939 §3).
// Dispatch is a lookup here, never by property name.
import type { Pop3Command } from '../protocol/parse-command.js';
import { authCommand } from './commands/auth.js';
import { capaCommand } from './commands/capa.js';
import { deleCommand } from './commands/dele.js';
import { listCommand } from './commands/list.js';
import { passCommand, userCommand } from './commands/login.js';
import { noopCommand } from './commands/noop.js';
import { quitCommand } from './commands/quit.js';
import { retrCommand, topCommand } from './commands/retr.js';
import { rsetCommand } from './commands/rset.js';
import { statCommand } from './commands/stat.js';
import { stlsCommand } from './commands/stls.js';
import { uidlCommand } from './commands/uidl.js';
import type { Pop3CommandSpec } from './session.js';

const ALL = [
  capaCommand,
  stlsCommand,
  userCommand,
  passCommand,
  authCommand,
  statCommand,
  listCommand,
  uidlCommand,
  retrCommand,
  topCommand,
  deleCommand,
  rsetCommand,
  noopCommand,
  quitCommand,
] as unknown as Pop3CommandSpec<never>[];

export const POP3_COMMANDS: ReadonlyMap<Pop3Command['name'], Pop3CommandSpec<never>> = new Map(ALL.map((c) => [c.name as Pop3Command['name'], c]));
