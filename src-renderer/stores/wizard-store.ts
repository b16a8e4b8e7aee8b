// The setup wizard's progress, kept on the server so it resumes anywhere: the current step, the
// steps done (earlier steps stay clickable, later ones open only once reached), and the first
// domain and account. Also remembers whether a step changed a setting that needs a restart.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WizardState, WizardStep } from '../../src-mailserver/admin/contract.js';
import type { AdminClient } from '../transport/admin-client.js';

export const WIZARD_STEPS: { id: WizardStep; title: string }[] = [
  { id: 'host', title: 'Host' },
  { id: 'domain', title: 'Domain' },
  { id: 'account', title: 'Account' },
  { id: 'certificate', title: 'Certificate' },
  { id: 'dns', title: 'DNS' },
  { id: 'port25', title: 'Sending' },
  { id: 'clients', title: 'Mail apps' },
  { id: 'summary', title: 'Summary' },
];

export interface WizardStoreState {
  wizard: WizardState | null;
  restartNeeded: boolean;
  error: string | null;
  load(): Promise<void>;
  /** Open a step: earlier ones and the first not yet done are allowed. */
  goTo(step: WizardStep): Promise<void>;
  /** Mark a step done (with what it chose) and move to the next one. */
  complete(step: WizardStep, extra?: Partial<Pick<WizardState, 'domain' | 'account'>>): Promise<void>;
  finish(): Promise<void>;
  reopen(): Promise<void>;
  noteRestartNeeded(): void;
}

export type WizardStore = StoreApi<WizardStoreState>;

export function stepIndex(step: WizardStep): number {
  return WIZARD_STEPS.findIndex((s) => s.id === step);
}

/** A step may be opened when it is done, current, or the first not done. */
export function canOpen(wizard: WizardState, step: WizardStep): boolean {
  if (wizard.completed.includes(step) || wizard.step === step) return true;
  const firstOpen = WIZARD_STEPS.find((s) => !wizard.completed.includes(s.id));
  return firstOpen?.id === step;
}

export function createWizardStore(client: AdminClient): WizardStore {
  return createStore<WizardStoreState>()((set, get) => ({
    wizard: null,
    restartNeeded: false,
    error: null,
    async load() {
      try {
        set({ wizard: await client.call('wizard.get', {}), error: null });
      } catch (err) {
        set({ error: (err as Error).message });
      }
    },
    async goTo(step) {
      const wizard = get().wizard;
      if (!wizard || !canOpen(wizard, step)) return;
      set({ wizard: await client.call('wizard.save', { step }) });
    },
    async complete(step, extra = {}) {
      const wizard = get().wizard;
      if (!wizard) return;
      const completed = wizard.completed.includes(step) ? wizard.completed : [...wizard.completed, step];
      const next = WIZARD_STEPS[Math.min(stepIndex(step) + 1, WIZARD_STEPS.length - 1)]!.id;
      set({ wizard: await client.call('wizard.save', { ...extra, completed, step: next }) });
    },
    async finish() {
      const wizard = get().wizard;
      const completed = WIZARD_STEPS.map((s) => s.id);
      set({ wizard: await client.call('wizard.save', { finished: true, completed, step: wizard?.step ?? 'summary' }) });
      if (get().restartNeeded) {
        await client.call('server.restart', {});
        set({ restartNeeded: false });
      }
    },
    async reopen() {
      set({ wizard: await client.call('wizard.save', { finished: false, step: 'host' }) });
    },
    noteRestartNeeded() {
      set({ restartNeeded: true });
    },
  }));
}
