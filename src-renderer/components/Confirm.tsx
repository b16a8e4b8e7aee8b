// Confirmation before anything destructive, as a modal <dialog> (focus stays inside, Escape
// cancels). `useConfirm()` returns a function that resolves true when the user confirms.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

export interface ConfirmRequest {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

type ConfirmFn = (request: ConfirmRequest) => Promise<boolean>;

const ConfirmContext = createContext<ConfirmFn>(async () => false);

export function useConfirm(): ConfirmFn {
  return useContext(ConfirmContext);
}

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [request, setRequest] = useState<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const confirm = useCallback<ConfirmFn>((r) => new Promise<boolean>((resolve) => setRequest({ ...r, resolve })), []);

  useEffect(() => {
    const d = dialog.current;
    if (request && d && !d.open) d.showModal();
  }, [request]);

  const close = (ok: boolean) => {
    request?.resolve(ok);
    dialog.current?.close();
    setRequest(null);
  };

  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <dialog ref={dialog} className="dialog" aria-labelledby="confirm-title" onCancel={() => close(false)}>
        {request && (
          <form method="dialog" onSubmit={(e) => (e.preventDefault(), close(true))}>
            <h2 id="confirm-title">{request.title}</h2>
            <div className="dialog-body">{request.message}</div>
            <div className="dialog-actions">
              <button type="button" className="button" onClick={() => close(false)} autoFocus>
                Cancel
              </button>
              <button type="submit" className={request.danger ? 'button danger' : 'button primary'}>
                {request.confirmLabel}
              </button>
            </div>
          </form>
        )}
      </dialog>
    </ConfirmContext.Provider>
  );
}

/** A modal form (set password, set quota ...). */
export function FormDialog({ title, open, onClose, children }: { title: string; open: boolean; onClose(): void; children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={dialog} className="dialog" aria-label={title} onCancel={onClose} onClose={onClose}>
      {open && (
        <>
          <h2>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}
