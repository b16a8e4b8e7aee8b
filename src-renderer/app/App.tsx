// The application frame: a skip link, the navigation with the combined server state, banners for
// what needs attention now (connection lost, server restarting, restart needed), the current
// screen, and toasts. On first run (setup not finished) it opens the setup wizard.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { ConfirmProvider } from '../components/Confirm.js';
import { Accounts } from '../screens/Accounts.js';
import { Aliases } from '../screens/Aliases.js';
import { Dashboard } from '../screens/Dashboard.js';
import { Dns } from '../screens/Dns.js';
import { Domains } from '../screens/Domains.js';
import { Logs } from '../screens/Logs.js';
import { Queue } from '../screens/Queue.js';
import { Settings } from '../screens/Settings.js';
import { Wizard } from '../screens/wizard/Wizard.js';
import { Banners } from './Banners.js';
import { Nav } from './Nav.js';
import { useRouter, useStatus, useStores, useWizard } from './stores.js';
import type { ScreenId } from './router.js';

const SCREENS: Record<ScreenId, () => React.JSX.Element> = {
  wizard: Wizard,
  dashboard: Dashboard,
  queue: Queue,
  logs: Logs,
  domains: Domains,
  accounts: Accounts,
  aliases: Aliases,
  dns: Dns,
  settings: Settings,
};

export function App() {
  const stores = useStores();
  const route = useRouter((s) => s.route);
  const wizard = useWizard((s) => s.wizard);
  const status = useStatus((s) => s.status);

  useEffect(() => {
    void stores.status.getState().refresh();
    void stores.wizard.getState().load();
    void stores.directory.getState().load();
    void stores.settings.getState().load();
  }, [stores]);

  useEffect(() => {
    if (route || !wizard) return;
    stores.router.getState().navigate(wizard.finished ? 'dashboard' : 'wizard');
  }, [route, wizard, stores]);

  useEffect(() => {
    document.title = status ? `Homemail — ${status.hostname}` : 'Homemail';
  }, [status]);

  const Screen = route ? SCREENS[route.screen] : null;
  return (
    <ConfirmProvider>
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <div className="app">
        <Nav />
        <main id="main" tabIndex={-1}>
          <Banners />
          {Screen ? <Screen key={route!.screen} /> : <p className="empty">Loading…</p>}
        </main>
      </div>
      <Toasts />
    </ConfirmProvider>
  );
}

function Toasts() {
  const { toasts } = useStores();
  const list = useStore(toasts, (s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite" aria-atomic="false">
      {list.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span>{t.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => toasts.getState().dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
