// Wizard step 6: can this machine send on port 25? A test connection shown as a timeline (resolve
// MX, connect, greeting, STARTTLS), each stage with its time or its reason; when it fails, why
// (many home providers block it) and the relay form with a test send, right here.
import { useState } from 'react';
import type { Port25Result } from '../../../src-mailserver/admin/contract.js';
import { useStores, useWizard } from '../../app/stores.js';
import { Notice } from '../../components/Card.js';
import { RelayForm } from '../../components/RelayForm.js';
import { AdminCallError } from '../../transport/admin-client.js';
import { StepActions, StepTitle } from './Wizard.js';

const STAGE_NAMES = { resolve: 'Find the receiving server (MX)', connect: 'Connect to port 25', greeting: 'Server greeting', starttls: 'Start TLS' };

export function Port25Step() {
  const { client, wizard } = useStores();
  const account = useWizard((s) => s.wizard?.account ?? '');
  const [result, setResult] = useState<Port25Result | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await client.call('network.port25Test', {}));
    } catch (err) {
      if (err instanceof AdminCallError && err.code === 'unavailable') setUnavailable(true);
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <StepTitle>Sending test</StepTitle>
      <p>Mail to other domains leaves on port 25. This tries a real connection to another mail server (at most 10 seconds).</p>
      {unavailable ? (
        <Notice>The port 25 test is not available in this version of the server.</Notice>
      ) : (
        <button type="button" className="button" disabled={busy} onClick={() => void run()}>
          {busy ? 'Testing…' : result ? 'Test again' : 'Run the test'}
        </button>
      )}
      {error && <p className="error-note">{error}</p>}
      {result && (
        <>
          <ol className="timeline" aria-label={`Test of ${result.target}`}>
            {result.stages.map((s) => (
              <li key={s.name} className={s.ok ? 'ok' : 'error'}>
                <span className="stage-mark" aria-hidden="true">
                  {s.ok ? '✓' : '✕'}
                </span>
                <strong>{STAGE_NAMES[s.name]}</strong> {s.ms !== null && <span className="muted">{s.ms} ms</span>}
                <p>{s.detail}</p>
              </li>
            ))}
          </ol>
          <Notice tone={result.ok ? 'ok' : 'warning'} title={result.ok ? 'Port 25 works' : 'Port 25 seems blocked'}>
            {result.explanation}
          </Notice>
        </>
      )}
      {result && !result.ok && (
        <section className="relay-fallback" aria-labelledby="relay-title">
          <h3 id="relay-title">Send through a relay instead</h3>
          <p>Your provider or a mail service gives you a relay host (smarthost) with a user name and password; mail then leaves through it.</p>
          <RelayForm defaultTestTo={account} />
        </section>
      )}
      <StepActions>
        <button type="button" className={`button ${result?.ok || unavailable ? 'primary' : ''}`} onClick={() => void wizard.getState().complete('port25')}>
          {result || unavailable ? 'Continue' : 'Skip the test'}
        </button>
      </StepActions>
    </div>
  );
}
