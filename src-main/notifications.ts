// Desktop notifications for what needs the user, decided by comparing two statuses: a DNS check
// turned red, the queue got stuck, a certificate expires soon, a listener stopped (a low port
// without permission), the public IP changed. Each is said once, when it becomes true.
import type { ServerStatus } from '../src-mailserver/admin/contract.js';

export interface DesktopNotification {
  id: string;
  title: string;
  body: string;
  /** Screen to open when clicked. */
  link: string;
}

export function notificationsFor(previous: ServerStatus | null, next: ServerStatus): DesktopNotification[] {
  const before = new Set(previous?.attention.map((a) => a.id) ?? []);
  const out: DesktopNotification[] = [];
  for (const a of next.attention) {
    if (before.has(a.id) || a.id === 'setup') continue;
    out.push({ id: a.id, title: a.title, body: a.detail, link: a.link ?? 'dashboard' });
  }
  return out;
}
