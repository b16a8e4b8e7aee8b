// The outbound relay (smarthost) form with a test send: for homes whose provider blocks port 25,
// all mail (or only some destination domains) goes through the provider's or a service's relay.
// The password is write-only: the form never shows the stored one.
import { useEffect, useState, type FormEvent } from 'react';
import type { RelayInput, RelaySettings } from '../../src-mailserver/admin/contract.js';
import { useStores, useToast } from '../app/stores.js';
import { AdminCallError } from '../transport/admin-client.js';
import { Field, Notice } from './Card.js';

export function RelayForm({ onSaved, defaultTestTo }: { onSaved?(r: RelaySettings): void; defaultTestTo?: string }) {
  const { client } = useStores();
  const toast = useToast();
  const [relay, setRelay] = useState<RelaySettings | null>(null);
  const [password, setPassword] = useState('');
  const [domains, setDomains] = useState('');
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [testTo, setTestTo] = useState(defaultTestTo ?? '');
  const [testResult, setTestResult] = useState<{ ok: boolean; detail: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client.call('relay.get', {}).then(
      (r) => {
        setRelay(r);
        setDomains(r.domains.join(', '));
      },
      (err: unknown) => {
        if (err instanceof AdminCallError && err.code === 'unavailable') setUnavailable(true);
        else setError((err as Error).message);
      },
    );
  }, [client]);

  if (unavailable) return <Notice>Relaying through a smarthost is not available in this version of the server.</Notice>;
  if (!relay) return <p className="muted">{error ?? 'Loading…'}</p>;

  const set = (patch: Partial<RelaySettings>) => setRelay({ ...relay, ...patch });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const input: RelayInput = {
        enabled: relay.enabled,
        host: relay.host,
        port: relay.port,
        tls: relay.tls,
        username: relay.username,
        domains: domains.split(/[\s,;]+/).filter(Boolean),
        ...(password ? { password } : {}),
      };
      const saved = await client.call('relay.set', input);
      setRelay(saved);
      setPassword('');
      setError(null);
      toast.info(saved.enabled ? `Mail now goes through ${saved.host}` : 'Relay turned off');
      onSaved?.(saved);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const test = async () => {
    setTestResult(null);
    setBusy(true);
    try {
      setTestResult(await client.call('relay.test', { to: testTo }));
    } catch (err) {
      setTestResult({ ok: false, detail: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={save}>
      <label className="check form-wide">
        <input type="checkbox" checked={relay.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Send outgoing mail through a relay
      </label>
      <Field label="Relay host" htmlFor="relay-host" help="For example smtp.your-provider.net">
        <input id="relay-host" value={relay.host} onChange={(e) => set({ host: e.target.value })} spellCheck={false} />
      </Field>
      <Field label="Port and security" htmlFor="relay-port">
        <div className="address-input">
          <input id="relay-port" type="number" min={1} max={65535} value={relay.port} onChange={(e) => set({ port: Number(e.target.value) })} />
          <select aria-label="Security" value={relay.tls} onChange={(e) => set({ tls: e.target.value as RelaySettings['tls'] })}>
            <option value="starttls">STARTTLS (usually 587)</option>
            <option value="implicit">TLS (usually 465)</option>
            <option value="none">none (not recommended)</option>
          </select>
        </div>
      </Field>
      <Field label="User name" htmlFor="relay-user">
        <input id="relay-user" value={relay.username} onChange={(e) => set({ username: e.target.value })} autoComplete="off" />
      </Field>
      <Field label="Password" htmlFor="relay-password" help={relay.hasPassword ? 'A password is stored; leave empty to keep it.' : 'Kept in the system keychain (or a private file), never in the database.'}>
        <input id="relay-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
      </Field>
      <Field label="Only for these destination domains" htmlFor="relay-domains" help="Empty: all outgoing mail uses the relay.">
        <input id="relay-domains" value={domains} onChange={(e) => setDomains(e.target.value)} spellCheck={false} />
      </Field>
      {error && (
        <p className="error-note form-wide" role="alert">
          {error}
        </p>
      )}
      <div className="form-wide actions">
        <button type="submit" className="button primary" disabled={busy}>
          Save relay
        </button>
        <label className="inline">
          Test send to{' '}
          <input type="email" value={testTo} onChange={(e) => setTestTo(e.target.value)} aria-label="Test message recipient" placeholder="you@elsewhere.example" />
        </label>
        <button type="button" className="button" disabled={busy || !testTo} onClick={() => void test()}>
          Send test
        </button>
      </div>
      {testResult && (
        <div className="form-wide">
          <Notice tone={testResult.ok ? 'ok' : 'error'}>{testResult.detail}</Notice>
        </div>
      )}
    </form>
  );
}
