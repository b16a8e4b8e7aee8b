// Wizard step 1: the public IP (detected) and the host name (guessed from the reverse DNS or the
// machine's name), with an immediate warning when the reverse DNS does not name the host.
import { useEffect, useState, type FormEvent } from 'react';
import type { PublicIpInfo } from '../../../src-mailserver/admin/contract.js';
import { useSettings, useStatus, useStores, useToast } from '../../app/stores.js';
import { Field, Notice } from '../../components/Card.js';
import { StepActions, StepTitle } from './Wizard.js';

const PRIVATE = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|fd|fc)/i;

export function HostStep() {
  const { client, settings: settingsStore, wizard } = useStores();
  const settings = useSettings((s) => s.settings);
  const runningHostname = useStatus((s) => s.status?.hostname ?? null);
  const toast = useToast();
  const [ip, setIp] = useState<PublicIpInfo | null>(null);
  const [hostname, setHostname] = useState('');
  const [manualIp, setManualIp] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void settingsStore.getState().load();
    client.call('network.publicIp', {}).then(setIp, toast.error);
  }, [client, settingsStore]);

  useEffect(() => {
    if (!settings || !ip || hostname) return;
    // Guess, then let the user correct: the saved name, the name this run uses, the reverse name.
    const looksReal = (name: string | null | undefined) => !!name && name.includes('.') && !/^localhost\b/.test(name);
    const guess = [settings.hostname, runningHostname, ip.suggestedHostname].find(looksReal);
    setHostname(guess ?? settings.hostname);
    setManualIp(settings.publicIp ?? '');
  }, [settings, ip, hostname, runningHostname]);

  const reverse = ip?.reverseNames ?? [];
  const mismatch = ip?.ip && reverse.length > 0 && !reverse.includes(hostname.toLowerCase());
  const noReverse = ip?.ip && reverse.length === 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const restart = await settingsStore.getState().update({ hostname: hostname.trim(), publicIp: manualIp.trim() || null });
      if (restart) wizard.getState().noteRestartNeeded();
      await wizard.getState().complete('host');
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit}>
      <StepTitle>Host name and public address</StepTitle>
      <p>Other mail servers find yours by its name; the name and the address must agree in DNS in both directions.</p>
      <dl className="facts">
        <dt>Public IP address</dt>
        <dd>
          {ip ? (ip.ip ?? 'not found') : 'detecting…'}
          {ip?.source === 'interface' && ' (address of this machine)'}
          {ip?.source === 'echo' && ' (as the internet sees it)'}
          {ip?.source === 'manual' && ' (set by you)'}
        </dd>
        <dt>Reverse DNS of that address</dt>
        <dd>{reverse.length ? reverse.join(', ') : ip ? 'none' : '…'}</dd>
      </dl>
      {ip?.ip && PRIVATE.test(ip.ip) && (
        <Notice tone="warning" title="This is a private address">
          Your router must forward ports 25, 465, 587 and 993 to this machine, and the DNS records must use the router’s public address. Enter it below if you know it.
        </Notice>
      )}
      <div className="form-grid">
        <Field label="Host name of this mail server" htmlFor="wiz-hostname" help="Usually mail. followed by your domain, e.g. mail.example.org.">
          <input id="wiz-hostname" value={hostname} onChange={(e) => setHostname(e.target.value)} required spellCheck={false} autoFocus />
        </Field>
        <Field label="Public IP address (optional)" htmlFor="wiz-ip" help="Leave empty to detect it.">
          <input id="wiz-ip" value={manualIp} onChange={(e) => setManualIp(e.target.value)} spellCheck={false} />
        </Field>
      </div>
      {mismatch && (
        <Notice tone="warning" title="The reverse DNS does not match">
          {ip!.ip} points back to {reverse.join(', ')}, not to {hostname}. Many servers refuse or junk mail when the two disagree. Ask whoever provides this address (ISP or
          hosting company) to set its reverse DNS to <strong>{hostname}</strong>.
        </Notice>
      )}
      {noReverse && (
        <Notice tone="warning" title="No reverse DNS">
          {ip!.ip} has no reverse name. Ask your provider to set it to <strong>{hostname}</strong>; until then some servers will refuse your mail.
        </Notice>
      )}
      <StepActions>
        <button type="submit" className="button primary" disabled={busy || !hostname.trim()}>
          Continue
        </button>
      </StepActions>
    </form>
  );
}
