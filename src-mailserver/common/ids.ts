// Identifiers: connection ids, queue / message ids. Short, sortable by time, unique per process
// and, with the random tail, across restarts.
import { randomBytes } from 'node:crypto';

let counter = 0;

/** A short id such as `m1b2c3d4e5f6` for connections and transactions: time + counter + random. */
export function newId(prefix = ''): string {
  counter = (counter + 1) % 0x10000;
  const time = Date.now().toString(36);
  const seq = counter.toString(36).padStart(3, '0');
  const rand = randomBytes(3).toString('hex');
  return `${prefix}${time}${seq}${rand}`;
}
