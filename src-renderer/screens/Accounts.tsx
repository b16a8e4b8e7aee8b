// Accounts: add with a password (twice) and an optional quota; the table shows use against the
// quota, the aliases that reach each account, and the actions set password, set quota,
// disable / enable and remove (with confirmation: the mail is deleted with the account).
import { useState, type FormEvent } from 'react';
import type { AccountInfo } from '../../src-mailserver/admin/contract.js';
import { useDirectory, useStores, useToast } from '../app/stores.js';
import { Badge, Card, Empty, Field, PageHeader } from '../components/Card.js';
import { FormDialog, useConfirm } from '../components/Confirm.js';
import { formatBytes, parseSize } from '../format.js';

export function Accounts() {
  const { directory } = useStores();
  const accounts = useDirectory((s) => s.accounts);
  const domains = useDirectory((s) => s.domains);
  const toast = useToast();
  const confirm = useConfirm();
  const [dialog, setDialog] = useState<{ kind: 'password' | 'quota'; account: AccountInfo } | null>(null);

  const remove = async (a: AccountInfo) => {
    const ok = await confirm({
      title: `Remove ${a.address}?`,
      message: (
        <p>
          The account and all its mail ({a.usedMessages} messages, {formatBytes(a.usedBytes)}) are deleted. This cannot be undone.
        </p>
      ),
      confirmLabel: 'Remove account and mail',
      danger: true,
    });
    if (!ok) return;
    try {
      await directory.getState().removeAccount(a.address);
      toast.info(`Removed ${a.address}`);
    } catch (err) {
      toast.error(err);
    }
  };

  const toggle = async (a: AccountInfo) => {
    try {
      await directory.getState().setDisabled(a.address, !a.disabled);
      toast.info(`${a.address} ${a.disabled ? 'enabled' : 'disabled'}`);
    } catch (err) {
      toast.error(err);
    }
  };

  return (
    <div className="screen">
      <PageHeader title="Accounts" subtitle="Mailboxes people log in to. The user name is the whole address." />
      {domains.length === 0 ? <Empty>Add a domain first.</Empty> : <AddAccount domains={domains.map((d) => d.name)} />}
      {accounts.length === 0 ? (
        <Empty>No accounts yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Used</th>
                <th scope="col">Also receives</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.address}>
                  <th scope="row">
                    {a.address} {a.disabled && <Badge tone="muted">disabled</Badge>}
                  </th>
                  <td>
                    <Usage account={a} />
                  </td>
                  <td className="small">{a.aliases.length ? a.aliases.join(', ') : <span className="muted">—</span>}</td>
                  <td className="row-actions">
                    <button type="button" className="button small" onClick={() => setDialog({ kind: 'password', account: a })}>
                      Set password
                    </button>
                    <button type="button" className="button small" onClick={() => setDialog({ kind: 'quota', account: a })}>
                      Set quota
                    </button>
                    <button type="button" className="button small" onClick={() => void toggle(a)}>
                      {a.disabled ? 'Enable' : 'Disable'}
                    </button>
                    <button type="button" className="button small danger" onClick={() => void remove(a)} aria-label={`Remove ${a.address}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PasswordDialog account={dialog?.kind === 'password' ? dialog.account : null} onClose={() => setDialog(null)} />
      <QuotaDialog account={dialog?.kind === 'quota' ? dialog.account : null} onClose={() => setDialog(null)} />
    </div>
  );
}

function Usage({ account: a }: { account: AccountInfo }) {
  const used = formatBytes(a.usedBytes);
  if (a.quotaBytes === null) return <span>{used} · {a.usedMessages} messages</span>;
  const pct = Math.min(100, Math.round((a.usedBytes / a.quotaBytes) * 100));
  return (
    <span className="usage">
      <meter min={0} max={100} value={pct} high={85} optimum={0} aria-label={`${pct}% of the quota used`} /> {used} of {formatBytes(a.quotaBytes)} ({pct}%)
    </span>
  );
}

export function AddAccount({ domains, onAdded, defaultDomain }: { domains: string[]; onAdded?(a: AccountInfo): void; defaultDomain?: string }) {
  const { directory } = useStores();
  const toast = useToast();
  const [local, setLocal] = useState('');
  const [domain, setDomain] = useState(defaultDomain ?? domains[0] ?? '');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [quota, setQuota] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const quotaBytes = parseSize(quota);
  const mismatch = again.length > 0 && again !== password;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return setError('The two passwords differ.');
    if (Number.isNaN(quotaBytes)) return setError('The quota should look like 500M or 2G.');
    setBusy(true);
    try {
      const a = await directory.getState().addAccount(`${local}@${domain}`, password, quotaBytes);
      toast.info(`Added ${a.address}`);
      setLocal('');
      setPassword('');
      setAgain('');
      setQuota('');
      setError(null);
      onAdded?.(a);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Add an account" id="add-account">
      <form className="form-grid" onSubmit={submit}>
        <Field label="Address" htmlFor="acct-local" help="What goes before the @.">
          <div className="address-input">
            <input id="acct-local" value={local} onChange={(e) => setLocal(e.target.value)} required autoComplete="off" spellCheck={false} />
            <span>@</span>
            <select aria-label="Domain" value={domain} onChange={(e) => setDomain(e.target.value)}>
              {domains.map((d) => (
                <option key={d}>{d}</option>
              ))}
            </select>
          </div>
        </Field>
        <Field label="Password" htmlFor="acct-password" help="At least 10 characters; a few unrelated words are easy to type and hard to guess.">
          <input id="acct-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
        </Field>
        <Field label="Password again" htmlFor="acct-again" error={mismatch ? 'The two passwords differ.' : null}>
          <input id="acct-again" type="password" value={again} onChange={(e) => setAgain(e.target.value)} required autoComplete="new-password" />
        </Field>
        <Field label="Quota (optional)" htmlFor="acct-quota" help="For example 2G; empty for no limit.">
          <input id="acct-quota" value={quota} onChange={(e) => setQuota(e.target.value)} autoComplete="off" />
        </Field>
        {error && (
          <p className="error-note form-wide" role="alert">
            {error}
          </p>
        )}
        <div className="form-wide">
          <button type="submit" className="button primary" disabled={busy || !local || !password || mismatch}>
            {busy ? 'Adding…' : 'Add account'}
          </button>
        </div>
      </form>
    </Card>
  );
}

function PasswordDialog({ account, onClose }: { account: AccountInfo | null; onClose(): void }) {
  const { directory } = useStores();
  const toast = useToast();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setPassword('');
    setAgain('');
    setError(null);
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!account) return;
    if (password !== again) return setError('The two passwords differ.');
    try {
      await directory.getState().setPassword(account.address, password);
      toast.info(`Password changed for ${account.address}`);
      close();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <FormDialog title={`New password for ${account?.address ?? ''}`} open={account !== null} onClose={close}>
      <form onSubmit={submit}>
        <Field label="New password" htmlFor="pw-new">
          <input id="pw-new" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" autoFocus />
        </Field>
        <Field label="Again" htmlFor="pw-again" error={error}>
          <input id="pw-again" type="password" value={again} onChange={(e) => setAgain(e.target.value)} required autoComplete="new-password" />
        </Field>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button primary">
            Set password
          </button>
        </div>
      </form>
    </FormDialog>
  );
}

function QuotaDialog({ account, onClose }: { account: AccountInfo | null; onClose(): void }) {
  const { directory } = useStores();
  const toast = useToast();
  const [bytes, setBytes] = useState('');
  const [messages, setMessages] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!account) return;
    const quotaBytes = parseSize(bytes);
    const quotaMessages = messages.trim() ? Number(messages) : null;
    if (Number.isNaN(quotaBytes) || (quotaMessages !== null && !(Number.isInteger(quotaMessages) && quotaMessages > 0))) return setError('Use sizes like 2G and whole numbers of messages.');
    try {
      await directory.getState().setQuota(account.address, quotaBytes, quotaMessages);
      toast.info(`Quota set for ${account.address}`);
      setError(null);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <FormDialog title={`Quota for ${account?.address ?? ''}`} open={account !== null} onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Size" htmlFor="quota-bytes" help="For example 2G; empty for no limit.">
          <input id="quota-bytes" value={bytes} onChange={(e) => setBytes(e.target.value)} autoFocus placeholder={account?.quotaBytes ? formatBytes(account.quotaBytes) : 'no limit'} />
        </Field>
        <Field label="Messages" htmlFor="quota-messages" help="Empty for no limit." error={error}>
          <input id="quota-messages" inputMode="numeric" value={messages} onChange={(e) => setMessages(e.target.value)} placeholder={account?.quotaMessages ? String(account.quotaMessages) : 'no limit'} />
        </Field>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary">
            Set quota
          </button>
        </div>
      </form>
    </FormDialog>
  );
}
