// Hash routes (#/dashboard, #/dns/example.org ...): they work the same from file://, app:// and
// http://, need no server routes, and keep the browser's back button meaningful.
import { createStore, type StoreApi } from 'zustand/vanilla';

export type ScreenId = 'wizard' | 'dashboard' | 'queue' | 'logs' | 'domains' | 'accounts' | 'aliases' | 'dns' | 'settings';

export interface Route {
  screen: ScreenId;
  /** The rest of the path, e.g. the domain of the DNS page or a queue id. */
  arg: string | null;
}

const SCREENS: ScreenId[] = ['wizard', 'dashboard', 'queue', 'logs', 'domains', 'accounts', 'aliases', 'dns', 'settings'];

export function parseHash(hash: string): Route | null {
  const [screen, ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (!SCREENS.includes(screen as ScreenId)) return null;
  const arg = rest.join('/');
  return { screen: screen as ScreenId, arg: arg ? decodeURIComponent(arg) : null };
}

export function routeHref(screen: ScreenId, arg?: string | null): string {
  return `#/${screen}${arg ? '/' + encodeURIComponent(arg) : ''}`;
}

export interface RouterState {
  route: Route | null;
  navigate(screen: ScreenId, arg?: string | null): void;
}

export function createRouter(): StoreApi<RouterState> & { dispose(): void } {
  const store = createStore<RouterState>()(() => ({
    route: parseHash(location.hash),
    navigate(screen, arg) {
      location.hash = routeHref(screen, arg);
    },
  }));
  const onChange = () => store.setState({ route: parseHash(location.hash) });
  window.addEventListener('hashchange', onChange);
  return Object.assign(store, { dispose: () => window.removeEventListener('hashchange', onChange) });
}
