// Entry of the admin UI: pick the transport (window.mailAdmin inside the desktop app, HTTP +
// WebSocket in a browser), make the stores and render the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { MailAdminBridge } from '../src-mailserver/admin/contract.js';
import { App } from './app/App.js';
import { createStores, StoresProvider } from './app/stores.js';
import { HttpAdminClient } from './transport/http-client.js';
import { IpcAdminClient } from './transport/ipc-client.js';
import './styles/base.css';
import './styles/components.css';
import './styles/screens.css';

declare global {
  interface Window {
    mailAdmin?: MailAdminBridge;
  }
}

const client = window.mailAdmin ? new IpcAdminClient(window.mailAdmin) : new HttpAdminClient();
const stores = createStores(client);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
);
