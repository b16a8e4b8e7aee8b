// Wizard step 4: the TLS certificate. A self-signed one exists from the first start; ACME
// (Let's Encrypt) is the default choice, with the one-line reason, when this server offers it.
import { useState } from 'react';
import { useStatus, useStores, useToast } from '../../app/stores.js';
import { Notice } from '../../components/Card.js';
import { formatDate } from '../../format.js';
import { AdminCallError } from '../../transport/admin-client.js';
import { StepActions, StepTitle } from './Wizard.js';
import type { CertificateInfo } from '../../../src-mailserver/admin/contract.js';

const NO_CERTIFICATES: CertificateInfo[] = [];

export function CertificateStep() {
  const { client, wizard, status: statusStore } = useStores();
  const certificates = useStatus((s) => s.status?.certificates) ?? NO_CERTIFICATES;
  const toast = useToast();
  const [choice, setChoice] = useState<'acme' | 'self-signed'>('acme');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ tone: 'error' | 'warning'; text: string } | null>(null);

  const next = async () => {
    setBusy(true);
    setNote(null);
    try {
      if (choice === 'acme') await client.call('certificates.requestAcme', email ? { email } : {});
      else await client.call('certificates.useSelfSigned', {});
      await statusStore.getState().refresh();
      await wizard.getState().complete('certificate');
    } catch (err) {
      if (err instanceof AdminCallError && err.code === 'unavailable') {
        setNote({ tone: 'warning', text: 'This version of the server cannot get ACME certificates yet; the self-signed certificate stays in use.' });
        setChoice('self-signed');
      } else {
        setNote({ tone: 'error', text: (err as Error).message });
        toast.error(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <StepTitle>Certificate</StepTitle>
      <p>Mail apps and other servers use TLS to protect passwords and mail on the way.</p>
      <ul className="plain">
        {certificates.map((c) => (
          <li key={c.names.join(',') + c.notAfter}>
            Now: <strong>{c.names.join(', ')}</strong>, {c.source}, valid until {formatDate(c.notAfter)}.
          </li>
        ))}
      </ul>
      <fieldset className="choices">
        <legend>Which certificate?</legend>
        <label className="choice">
          <input type="radio" name="cert" checked={choice === 'acme'} onChange={() => setChoice('acme')} />
          <span>
            <strong>Let’s Encrypt (recommended)</strong>
            <span className="hint">Trusted by every mail app, free, renewed automatically 30 days before it expires. Needs port 80 reachable from the internet.</span>
          </span>
        </label>
        {choice === 'acme' && (
          <label className="inline indent">
            Contact e-mail (optional) <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
        )}
        <label className="choice">
          <input type="radio" name="cert" checked={choice === 'self-signed'} onChange={() => setChoice('self-signed')} />
          <span>
            <strong>Self-signed for now</strong>
            <span className="hint">Other servers still deliver to you; mail apps warn once and must be told to trust it. You can switch later in Settings.</span>
          </span>
        </label>
      </fieldset>
      {note && <Notice tone={note.tone}>{note.text}</Notice>}
      <StepActions>
        <button type="button" className="button primary" disabled={busy} onClick={() => void next()}>
          {busy ? 'Working…' : choice === 'acme' ? 'Get the certificate and continue' : 'Continue'}
        </button>
      </StepActions>
    </div>
  );
}
