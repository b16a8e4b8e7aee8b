// What the tray shows, as data: the icon for the state (running / attention / paused / stopped /
// error), a tooltip and first menu rows that tell in words whether the server process runs and
// whether mail flows, and the menu with items enabled only when they make sense. Built again
// on every change; main.ts turns it into an Electron Menu.
import type { ServerStatus, SupervisorState } from '../src-mailserver/admin/contract.js';

export type TrayIcon = 'running' | 'attention' | 'paused' | 'stopped' | 'error';

export type TrayAction = 'open' | 'settings' | 'toggle-pause' | 'start' | 'stop' | 'restart' | 'toggle-login' | 'quit';

export type TrayItem =
  | { kind: 'info'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean; checked?: boolean; isDefault?: boolean };

export interface TrayModel {
  icon: TrayIcon;
  tooltip: string;
  items: TrayItem[];
}

export interface TrayInput {
  supervisor: SupervisorState;
  status: ServerStatus | null;
  startAtLogin: boolean;
  now?: number;
}

export function trayIcon(input: TrayInput): TrayIcon {
  const { supervisor, status } = input;
  if (supervisor.state === 'failed') return 'error';
  if (supervisor.state !== 'running' || !status) return supervisor.state === 'restarting' ? 'error' : 'stopped';
  switch (status.overall) {
    case 'error':
      return 'error';
    case 'attention':
      return 'attention';
    case 'paused':
      return 'paused';
    default:
      return status.incomingPaused ? 'paused' : 'running';
  }
}

/** "Server running" vs "mail flowing": two separate lines. */
export function stateLines(input: TrayInput): [string, string] {
  const { supervisor, status } = input;
  const now = input.now ?? Date.now();
  let server: string;
  switch (supervisor.state) {
    case 'running':
      server = 'Mail server running';
      break;
    case 'starting':
      server = 'Mail server starting…';
      break;
    case 'restarting': {
      const secs = supervisor.nextStartAt ? Math.max(0, Math.round((supervisor.nextStartAt - now) / 1000)) : 0;
      server = `Mail server stopped unexpectedly; restarting in ${secs} s`;
      break;
    }
    case 'failed':
      server = 'Mail server keeps stopping';
      break;
    default:
      server = 'Mail server stopped';
  }
  if (supervisor.state !== 'running' || !status) return [server, 'No mail is moving'];
  const problems: string[] = [];
  if (status.incomingPaused) problems.push('incoming paused');
  const failed = status.listeners.filter((l) => l.state === 'error');
  if (failed.length > 0) problems.push(`${failed.map((l) => l.name).join(', ')} not running`);
  const queue = status.queue;
  if (queue && queue.total > 0 && queue.oldestAgeSeconds > 3600) problems.push(`${queue.total} waiting to send`);
  const c = status.counters;
  const flow = `Today: ${c.received} in, ${c.sent} out${queue ? `, ${queue.total} queued` : ''}`;
  return [server, problems.length ? `${flow} — ${problems.join('; ')}` : flow];
}

export function trayModel(input: TrayInput): TrayModel {
  const { supervisor, status } = input;
  const running = supervisor.state === 'running';
  const [serverLine, mailLine] = stateLines(input);
  const attention = status?.attention[0];
  const tooltip = ['Homemail', serverLine, mailLine, ...(attention && running ? [attention.title] : [])].join('\n');
  const stopped = supervisor.state === 'stopped' || supervisor.state === 'failed';
  const items: TrayItem[] = [
    { kind: 'info', label: serverLine },
    { kind: 'info', label: mailLine },
    ...(attention && running ? [{ kind: 'info' as const, label: `⚠ ${attention.title}` }] : []),
    { kind: 'separator' },
    { kind: 'action', action: 'open', label: 'Open dashboard', enabled: true, isDefault: true },
    { kind: 'action', action: 'toggle-pause', label: 'Pause incoming mail', enabled: running && status !== null, checked: status?.incomingPaused ?? false },
    { kind: 'separator' },
    { kind: 'action', action: 'start', label: 'Start server', enabled: stopped },
    { kind: 'action', action: 'stop', label: 'Stop server', enabled: running || supervisor.state === 'starting' },
    { kind: 'action', action: 'restart', label: 'Restart server', enabled: running },
    { kind: 'separator' },
    { kind: 'action', action: 'settings', label: 'Settings…', enabled: true },
    { kind: 'action', action: 'toggle-login', label: 'Start at login', enabled: true, checked: input.startAtLogin },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit Homemail', enabled: true },
  ];
  return { icon: trayIcon(input), tooltip, items };
}
