// The IMAP command table: every command the server knows, with the session states it is valid
// in (RFC 9051 §6). Dispatch is a lookup in this map, never by property name.
import type { CommandName } from '../protocol/command-types.js';
import { appendCommand } from './commands/append.js';
import { authenticateCommand } from './commands/authenticate.js';
import { capabilityCommand } from './commands/capability.js';
import { checkCommand } from './commands/check.js';
import { closeCommand } from './commands/close.js';
import { compressCommand } from './commands/compress.js';
import { copyCommand } from './commands/copy.js';
import { createCommand } from './commands/create.js';
import { deleteCommand } from './commands/delete.js';
import { enableCommand } from './commands/enable.js';
import { expungeCommand } from './commands/expunge.js';
import { fetchCommand } from './commands/fetch.js';
import { idCommand } from './commands/id.js';
import { idleCommand } from './commands/idle.js';
import { listCommand } from './commands/list.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { lsubCommand } from './commands/lsub.js';
import { moveCommand } from './commands/move.js';
import { namespaceCommand } from './commands/namespace.js';
import { noopCommand } from './commands/noop.js';
import { getQuotaCommand, getQuotaRootCommand, setQuotaCommand } from './commands/quota.js';
import { renameCommand } from './commands/rename.js';
import { searchCommand } from './commands/search.js';
import { examineCommand, selectCommand } from './commands/select.js';
import { starttlsCommand } from './commands/starttls.js';
import { statusCommand } from './commands/status.js';
import { storeCommand } from './commands/store.js';
import { subscribeCommand } from './commands/subscribe.js';
import { uidExpungeCommand } from './commands/uid-expunge.js';
import { unselectCommand } from './commands/unselect.js';
import { unsubscribeCommand } from './commands/unsubscribe.js';
import { xlistCommand } from './commands/xlist.js';
import type { CommandSpec } from './session.js';

const ALL: CommandSpec<never>[] = [
  capabilityCommand,
  noopCommand,
  logoutCommand,
  starttlsCommand,
  authenticateCommand,
  loginCommand,
  enableCommand,
  idCommand,
  namespaceCommand,
  compressCommand,
  selectCommand,
  examineCommand,
  createCommand,
  deleteCommand,
  renameCommand,
  subscribeCommand,
  unsubscribeCommand,
  listCommand,
  lsubCommand,
  xlistCommand,
  statusCommand,
  appendCommand,
  idleCommand,
  checkCommand,
  closeCommand,
  unselectCommand,
  expungeCommand,
  uidExpungeCommand,
  searchCommand,
  fetchCommand,
  storeCommand,
  copyCommand,
  moveCommand,
  getQuotaCommand,
  getQuotaRootCommand,
  setQuotaCommand,
] as unknown as CommandSpec<never>[];

export const COMMANDS: ReadonlyMap<CommandName, CommandSpec<never>> = new Map(ALL.map((c) => [c.name as CommandName, c]));
