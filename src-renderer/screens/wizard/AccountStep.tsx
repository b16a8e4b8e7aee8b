// Wizard step 3: the first account on the domain, and postmaster@ / abuse@ (which other servers
// expect) delivered to it.
import { useState, type FormEvent } from 'react';
import { useDirectory, useStores, useWizard } from '../../app/stores.js';
import { Field, Notice } from '../../components/Card.js';
import { StepActions, StepTitle } from './Wizard.js';

export function AccountStep() {
  const { directory, wizard } = useStores();
  const domain = useWizard((s) => s.wizard?.domain ?? '');
  const chosen = useWizard((s) => s.wizard?.account ?? null);
  const allAccounts = useDirectory((s) => s.accounts);
  const accounts = allAccounts.filter((a) => a.domain === domain);
  const domainInfo = useDirectory((s) => s.domains.find((d) => d.name === domain));
  const [local, setLocal] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [roles, setRoles] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const existing = accounts.find((a) => a.address === chosen) ?? null;

  const addRoles = async (address: string) => {
    const missing = domainInfo?.missingRoleAddresses ?? [`postmaster@${domain}`, `abuse@${domain}`];
    for (const role of missing) await directory.getState().addAlias(role, [address]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== again) return setError('The two passwords differ.');
    setBusy(true);
    try {
      const account = await directory.getState().addAccount(`${local}@${domain}`, password, null);
      if (roles) await addRoles(account.address);
      await wizard.getState().complete('account', { account: account.address });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (existing) {
    return (
      <div>
        <StepTitle>Your first account</StepTitle>
        <Notice tone="ok">
          {existing.address} exists{existing.aliases.length ? ` and also receives ${existing.aliases.join(', ')}` : ''}.
        </Notice>
        <StepActions>
          <button type="button" className="button primary" onClick={() => void wizard.getState().complete('account', { account: existing.address })}>
            Continue
          </button>
        </StepActions>
      </div>
    );
  }

  return (
    <form onSubmit={submit}>
      <StepTitle>Your first account</StepTitle>
      <p>A mailbox to log in to from your mail apps. The user name is the whole address.</p>
      <div className="form-grid">
        <Field label="Address" htmlFor="wiz-local">
          <div className="address-input">
            <input id="wiz-local" value={local} onChange={(e) => setLocal(e.target.value)} required spellCheck={false} autoFocus />
            <span>@{domain}</span>
          </div>
        </Field>
        <div />
        <Field label="Password" htmlFor="wiz-password" help="At least 10 characters.">
          <input id="wiz-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
        </Field>
        <Field label="Password again" htmlFor="wiz-again" error={again && again !== password ? 'The two passwords differ.' : null}>
          <input id="wiz-again" type="password" value={again} onChange={(e) => setAgain(e.target.value)} required autoComplete="new-password" />
        </Field>
        <label className="check form-wide">
          <input type="checkbox" checked={roles} onChange={(e) => setRoles(e.target.checked)} /> Also receive mail for postmaster@{domain} and abuse@{domain} (other servers
          expect these addresses)
        </label>
      </div>
      {error && (
        <p className="error-note" role="alert">
          {error}
        </p>
      )}
      <StepActions>
        <button type="submit" className="button primary" disabled={busy || !local || !password || password !== again}>
          {busy ? 'Creating…' : 'Create account and continue'}
        </button>
      </StepActions>
    </form>
  );
}
