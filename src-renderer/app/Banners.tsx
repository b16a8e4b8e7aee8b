// Banners above every screen for what is true right now: the connection to the server is lost
// (and being retried), the desktop app is restarting the server after a crash, settings wait for
// a restart.
import { useEffect, useState } from 'react';
import { useSettings, useStatus, useStores, useToast } from './stores.js';

export function Banners() {
  const connection = useStatus((s) => s.connection);
  const supervisor = useStatus((s) => s.supervisor);
  const restartRequired = useSettings((s) => s.restartRequired);
  const restarting = useSettings((s) => s.restarting);
  const { settings } = useStores();
  const toast = useToast();
  const [, tick] = useState(0);
  useEffect(() => {
    if (supervisor?.state !== 'restarting') return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [supervisor?.state]);

  return (
    <div className="banners">
      {connection === 'unauthorized' && (
        <div className="banner error" role="alert">
          This page needs the address with its token that <code>mailserver serve</code> printed when it started.
        </div>
      )}
      {connection === 'connecting' && !supervisor && (
        <div className="banner warning" role="status">
          Connection to the server lost; reconnecting…
        </div>
      )}
      {supervisor && supervisor.state !== 'running' && (
        <div className={`banner ${supervisor.state === 'failed' ? 'error' : 'warning'}`} role="status">
          {supervisor.state === 'restarting' &&
            `The mail server stopped unexpectedly${supervisor.lastExit ? ` (exit code ${supervisor.lastExit.code ?? 'signal'})` : ''}; restarting ${
              supervisor.nextStartAt ? `in ${Math.max(0, Math.round((supervisor.nextStartAt - Date.now()) / 1000))} s` : 'now'
            } (restart ${supervisor.restarts}).`}
          {supervisor.state === 'starting' && 'The mail server is starting…'}
          {supervisor.state === 'stopped' && 'The mail server is stopped.'}
          {supervisor.state === 'failed' && 'The mail server keeps stopping; see the log file, then restart it from the tray menu.'}
        </div>
      )}
      {restartRequired && (
        <div className="banner info" role="status">
          Some changed settings apply after a restart.{' '}
          <button
            type="button"
            className="button small"
            disabled={restarting}
            onClick={() => settings.getState().restart().catch(toast.error)}
          >
            {restarting ? 'Restarting…' : 'Restart now'}
          </button>
        </div>
      )}
    </div>
  );
}
