// The setup wizard's frame: every step visible in order, the current one highlighted, earlier
// ones clickable, later ones disabled until reached. Progress lives on the server, so leaving
// (to another screen, another browser, or closing the app) and coming back resumes here.
import { useEffect } from 'react';
import type { WizardStep } from '../../../src-mailserver/admin/contract.js';
import { useStores, useWizard } from '../../app/stores.js';
import { canOpen, stepIndex, WIZARD_STEPS } from '../../stores/wizard-store.js';
import { AccountStep } from './AccountStep.js';
import { CertificateStep } from './CertificateStep.js';
import { ClientsStep } from './ClientsStep.js';
import { DnsStep } from './DnsStep.js';
import { DomainStep } from './DomainStep.js';
import { HostStep } from './HostStep.js';
import { Port25Step } from './Port25Step.js';
import { SummaryStep } from './SummaryStep.js';

const STEPS: Record<WizardStep, () => React.JSX.Element> = {
  host: HostStep,
  domain: DomainStep,
  account: AccountStep,
  certificate: CertificateStep,
  dns: DnsStep,
  port25: Port25Step,
  clients: ClientsStep,
  summary: SummaryStep,
};

export function Wizard() {
  const { wizard: store } = useStores();
  const wizard = useWizard((s) => s.wizard);
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  if (!wizard) return <p className="empty">Loading…</p>;
  const Step = STEPS[wizard.step];
  const current = stepIndex(wizard.step);
  return (
    <div className="screen wizard">
      <header className="page-header">
        <div>
          <h1>Set up your mail server</h1>
          <p className="subtitle">
            Step {current + 1} of {WIZARD_STEPS.length}. You can leave at any time; the assistant continues where you stopped.
          </p>
        </div>
      </header>
      <nav aria-label="Setup steps">
        <ol className="stepper">
          {WIZARD_STEPS.map((s, i) => {
            const done = wizard.completed.includes(s.id);
            const isCurrent = s.id === wizard.step;
            const open = canOpen(wizard, s.id);
            return (
              <li key={s.id} className={`${isCurrent ? 'current' : ''} ${done ? 'done' : ''}`}>
                <button type="button" disabled={!open || isCurrent} aria-current={isCurrent ? 'step' : undefined} onClick={() => void store.getState().goTo(s.id)}>
                  <span className="step-number" aria-hidden="true">
                    {done && !isCurrent ? '✓' : i + 1}
                  </span>
                  <span className="step-title">{s.title}</span>
                  {done && <span className="visually-hidden"> (done)</span>}
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      <section className="wizard-step card" aria-labelledby="step-title">
        <Step key={wizard.step} />
      </section>
    </div>
  );
}

export function StepTitle({ children }: { children: React.ReactNode }) {
  return (
    <h2 id="step-title" tabIndex={-1}>
      {children}
    </h2>
  );
}

export function StepActions({ children }: { children: React.ReactNode }) {
  return <div className="step-actions">{children}</div>;
}
