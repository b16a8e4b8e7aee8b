// Wizard step 8: what was set up, what still needs doing (DNS not green yet, port 25 untested),
// and Finish (restarting the server when a setting needs it).
import { useEffect } from 'react';
import { useDns, useSettings, useStatus, useStores, useToast, useWizard } from '../../app/stores.js';
import { Dot } from '../../components/Card.js';
import { StepActions, StepTitle } from './Wizard.js';
import type { CertificateInfo } from '../../../src-mailserver/admin/contract.js';

const NO_CERTIFICATES: CertificateInfo[] = [];

export function SummaryStep() {
  const { wizard: store, router, dns } = useStores();
  const wizard = useWizard((s) => s.wizard);
  const restartNeeded = useWizard((s) => s.restartNeeded);
  const hostname = useSettings((s) => s.settings?.hostname ?? '');
  const certificates = useStatus((s) => s.status?.certificates) ?? NO_CERTIFICATES;
  const report = useDns((s) => (wizard?.domain ? s.reports[wizard.domain] : undefined));
  const toast = useToast();

  useEffect(() => {
    if (wizard?.domain && !report) void dns.getState().check(wizard.domain);
  }, [wizard?.domain, report, dns]);

  if (!wizard) return <></>;
  const dnsErrors = report?.checks.filter((c) => c.status === 'error').length ?? null;
  const rows: { ok: boolean; label: string; value: string }[] = [
    { ok: true, label: 'Host name', value: hostname },
    { ok: !!wizard.domain, label: 'Domain', value: wizard.domain ?? 'not chosen' },
    { ok: !!wizard.account, label: 'Account', value: wizard.account ?? 'not created' },
    { ok: certificates.some((c) => c.source !== 'self-signed'), label: 'Certificate', value: certificates.map((c) => `${c.source}, ${c.daysLeft} days left`).join('; ') },
    { ok: dnsErrors === 0, label: 'DNS', value: dnsErrors === null ? 'not checked' : dnsErrors === 0 ? 'all checks pass' : `${dnsErrors} check(s) failing; see the DNS page` },
  ];

  const finish = async () => {
    try {
      await store.getState().finish();
      toast.info(restartNeeded ? 'Setup finished; the server restarts with the new settings' : 'Setup finished');
      router.getState().navigate('dashboard');
    } catch (err) {
      toast.error(err);
    }
  };

  return (
    <div>
      <StepTitle>Summary</StepTitle>
      <ul className="checklist">
        {rows.map((r) => (
          <li key={r.label}>
            <Dot tone={r.ok ? 'ok' : 'warning'} label={r.ok ? 'done' : 'to do'} />
            <div>
              <strong>{r.label}</strong>
              <p>{r.value}</p>
            </div>
          </li>
        ))}
      </ul>
      {restartNeeded && <p>The server restarts when you finish, to use the new host name.</p>}
      <StepActions>
        <button type="button" className="button primary" onClick={() => void finish()}>
          Finish setup
        </button>
      </StepActions>
    </div>
  );
}
