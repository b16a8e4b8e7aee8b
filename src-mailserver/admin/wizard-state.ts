// The setup wizard's progress, kept in the admin_state table: the current step, the steps done,
// the first domain and account chosen, and whether setup is finished.
import { sql, type Db } from '../directory/database.js';
import type { WizardState, WizardStep } from './contract.js';

export const WIZARD_ORDER: readonly WizardStep[] = ['host', 'domain', 'account', 'certificate', 'dns', 'port25', 'clients', 'summary'];

const INITIAL: WizardState = { step: 'host', completed: [], finished: false, domain: null, account: null };

export function readWizardState(db: Db): WizardState {
  const row = sql(db, "SELECT value FROM admin_state WHERE key = 'wizard'").get() as { value: string } | undefined;
  if (!row) return { ...INITIAL };
  try {
    const saved = JSON.parse(row.value) as Partial<WizardState>;
    return {
      step: WIZARD_ORDER.includes(saved.step as WizardStep) ? (saved.step as WizardStep) : 'host',
      completed: Array.isArray(saved.completed) ? saved.completed.filter((s) => WIZARD_ORDER.includes(s)) : [],
      finished: saved.finished === true,
      domain: typeof saved.domain === 'string' ? saved.domain : null,
      account: typeof saved.account === 'string' ? saved.account : null,
    };
  } catch {
    return { ...INITIAL };
  }
}

export function saveWizardState(db: Db, patch: Partial<WizardState>): WizardState {
  const current = readWizardState(db);
  const next: WizardState = {
    step: patch.step ?? current.step,
    completed: patch.completed ? WIZARD_ORDER.filter((s) => patch.completed!.includes(s)) : current.completed,
    finished: patch.finished ?? current.finished,
    domain: patch.domain !== undefined ? patch.domain : current.domain,
    account: patch.account !== undefined ? patch.account : current.account,
  };
  sql(db, 'INSERT INTO admin_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(
    'wizard',
    JSON.stringify(next),
    Date.now(),
  );
  return next;
}
