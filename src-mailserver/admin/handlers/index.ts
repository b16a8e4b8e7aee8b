// The admin request table: every method the AdminApi contract names, one handler each.
import type { AdminMethod } from '../contract.js';
import type { AdminHandler } from '../handler.js';
import { directoryHandlers } from './directory.js';
import { dnsHandlers } from './dns.js';
import { logHandlers } from './logs.js';
import { networkHandlers } from './network.js';
import { queueHandlers } from './queue.js';
import { settingsHandlers } from './settings.js';
import { statusHandlers } from './status.js';

export const ADMIN_HANDLERS: readonly AdminHandler[] = [
  ...statusHandlers,
  ...directoryHandlers,
  ...logHandlers,
  ...queueHandlers,
  ...dnsHandlers,
  ...networkHandlers,
  ...settingsHandlers,
] as unknown as AdminHandler[];

// Compile-time check that the table covers the whole contract.
type Covered = (
  | typeof statusHandlers
  | typeof directoryHandlers
  | typeof logHandlers
  | typeof queueHandlers
  | typeof dnsHandlers
  | typeof networkHandlers
  | typeof settingsHandlers
)[number]['method'];
type Missing = Exclude<AdminMethod, Covered>;
export const EVERY_METHOD_HANDLED: [Missing] extends [never] ? true : Missing = true;
