// The side navigation: the server's combined state in words at the top (as the tray does), then
// the screens, with the current one marked for assistive technology (aria-current).
import type { OverallState } from '../../src-mailserver/admin/contract.js';
import { Dot, type Tone } from '../components/Card.js';
import { routeHref, type ScreenId } from './router.js';
import { useQueue, useRouter, useStatus, useWizard } from './stores.js';

const ITEMS: { id: ScreenId; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'queue', label: 'Queue' },
  { id: 'logs', label: 'Logs' },
  { id: 'domains', label: 'Domains' },
  { id: 'accounts', label: 'Accounts' },
  { id: 'aliases', label: 'Aliases' },
  { id: 'dns', label: 'DNS' },
  { id: 'settings', label: 'Settings' },
];

export const OVERALL: Record<OverallState, { tone: Tone; text: string }> = {
  running: { tone: 'ok', text: 'Running' },
  attention: { tone: 'warning', text: 'Needs attention' },
  paused: { tone: 'muted', text: 'Incoming mail paused' },
  error: { tone: 'error', text: 'Problem' },
};

export function Nav() {
  const route = useRouter((s) => s.route);
  const status = useStatus((s) => s.status);
  const connection = useStatus((s) => s.connection);
  const finished = useWizard((s) => s.wizard?.finished ?? true);
  const queued = useQueue((s) => s.summary?.total ?? null) ?? status?.queue?.total ?? null;
  const state = connection !== 'open' && status ? { tone: 'muted' as Tone, text: 'Not connected' } : status ? OVERALL[status.overall] : null;

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <svg className="logo" viewBox="0 0 32 32" aria-hidden="true">
          <rect x="3" y="7" width="26" height="18" rx="3" />
          <path d="M4 9l12 9 12-9" />
        </svg>
        <div>
          <div className="brand-name">Homemail</div>
          <div className="brand-host">{status?.hostname ?? '…'}</div>
        </div>
      </div>
      {state && (
        <div className="server-state" role="status">
          <Dot tone={state.tone} label={state.text} /> {state.text}
        </div>
      )}
      <ul>
        {!finished && (
          <li>
            <a href={routeHref('wizard')} aria-current={route?.screen === 'wizard' ? 'page' : undefined} className="setup-link">
              Finish setup
            </a>
          </li>
        )}
        {ITEMS.map((item) => (
          <li key={item.id}>
            <a href={routeHref(item.id)} aria-current={route?.screen === item.id ? 'page' : undefined}>
              {item.label}
              {item.id === 'queue' && queued ? <span className="count">{queued}</span> : null}
            </a>
          </li>
        ))}
      </ul>
      {status && (
        <div className="sidebar-foot">
          {status.mode === 'desktop' ? 'Desktop app' : 'Headless server'} · v{status.version}
        </div>
      )}
    </nav>
  );
}
