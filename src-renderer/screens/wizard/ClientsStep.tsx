// Wizard step 7: what to type into a mail app (host, port, security, user name), plus the
// automatic setup files (Thunderbird autoconfig, Apple .mobileconfig) when this server serves them.
import { useEffect, useState } from 'react';
import type { ClientSettings } from '../../../src-mailserver/admin/contract.js';
import { useStores, useWizard } from '../../app/stores.js';
import { ClientSettingsTable } from '../../components/ClientSettingsTable.js';
import { StepActions, StepTitle } from './Wizard.js';

export function ClientsStep() {
  const { client, wizard } = useStores();
  const account = useWizard((s) => s.wizard?.account ?? null);
  const [settings, setSettings] = useState<ClientSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.call('clients.settings', account ? { address: account } : {}).then(setSettings, (err: Error) => setError(err.message));
  }, [client, account]);
  return (
    <div>
      <StepTitle>Set up your mail apps</StepTitle>
      {error && <p className="error-note">{error}</p>}
      {settings ? <ClientSettingsTable settings={settings} /> : <p className="muted">Loading…</p>}
      <StepActions>
        <button type="button" className="button primary" onClick={() => void wizard.getState().complete('clients')}>
          Continue
        </button>
      </StepActions>
    </div>
  );
}
