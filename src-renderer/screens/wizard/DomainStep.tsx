// Wizard step 2: the first domain (guessed from the host name), created with its DKIM keys.
import { useState, type FormEvent } from 'react';
import { useDirectory, useSettings, useStores, useWizard } from '../../app/stores.js';
import { Field, Notice } from '../../components/Card.js';
import { StepActions, StepTitle } from './Wizard.js';

export function domainFromHost(hostname: string): string {
  const labels = hostname.split('.');
  return labels.length >= 3 ? labels.slice(1).join('.') : hostname;
}

export function DomainStep() {
  const { directory, wizard } = useStores();
  const domains = useDirectory((s) => s.domains);
  const chosen = useWizard((s) => s.wizard?.domain ?? null);
  const hostname = useSettings((s) => s.settings?.hostname ?? '');
  const [name, setName] = useState(() => chosen ?? domainFromHost(hostname));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const existing = domains.find((d) => d.name === name.trim().toLowerCase());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const domain = existing ?? (await directory.getState().addDomain(name));
      await wizard.getState().complete('domain', { domain: domain.name });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit}>
      <StepTitle>Your domain</StepTitle>
      <p>The part after the @ in your addresses. You need to be able to change its DNS records (at your registrar or DNS provider).</p>
      <div className="form-grid">
        <Field label="Domain" htmlFor="wiz-domain" error={error} help="For example example.org. A DKIM key pair for signing its mail is created with it.">
          <input id="wiz-domain" value={name} onChange={(e) => setName(e.target.value)} required spellCheck={false} autoFocus />
        </Field>
      </div>
      {existing && (
        <Notice tone="ok">
          {existing.display} is already set up (DKIM selectors {existing.dkimSelectors.join(', ')}).
        </Notice>
      )}
      <StepActions>
        <button type="submit" className="button primary" disabled={busy || !name.trim()}>
          {existing ? 'Continue' : 'Add domain and continue'}
        </button>
      </StepActions>
    </form>
  );
}
