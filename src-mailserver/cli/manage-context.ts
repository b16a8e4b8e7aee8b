// Opening the data directory for a management command (domain, account, alias): the same
// database and Maildir layout the server uses, safe to use while the server runs (WAL, busy
// timeout); the server reads the directory on every lookup, so changes apply at once.
import { prepareDataDir, defaultDataDir } from '../config/data-dir.js';
import { Directory } from '../directory/directory.js';
import { silentLogger } from '../log/logger.js';
import { openMailDatabase } from '../schema.js';
import { MessageStore } from '../store/message-store.js';

export interface ManageContext {
  dataDir: string;
  directory: Directory;
  store: MessageStore;
  close(): void;
}

export function openManageContext(dataOption: string | undefined): ManageContext {
  const dataDir = prepareDataDir(dataOption ?? defaultDataDir());
  const db = openMailDatabase(dataDir);
  const directory = new Directory(db);
  const store = new MessageStore(dataDir, db, silentLogger());
  return { dataDir, directory, store, close: () => db.close() };
}
