// The ways to let the server open ports below 1024 (Linux), each with its exact commands and a
// copy button; the "higher ports" way can be applied from here (then the server restarts).
import type { PortProblem } from '../../src-mailserver/admin/contract.js';
import { useStores, useToast } from '../app/stores.js';
import { Card } from './Card.js';
import { CopyButton } from './CopyButton.js';

export function PortProblemView({ problem }: { problem: PortProblem }) {
  const { settings } = useStores();
  const toast = useToast();
  const useHigherPorts = async (ports: NonNullable<PortProblem['fixes'][number]['ports']>) => {
    try {
      await settings.getState().update({ ports });
      await settings.getState().restart();
      toast.info('Switched to the higher ports; the server restarts');
    } catch (err) {
      toast.error(err);
    }
  };
  return (
    <Card title={`Port${problem.ports.length > 1 ? 's' : ''} ${problem.ports.join(', ')} could not be opened`} id="port-problem" className="attention">
      <p>On Linux, only privileged programs may open ports below 1024. Any one of these fixes it:</p>
      <ol className="fixes">
        {problem.fixes.map((f) => (
          <li key={f.id}>
            <strong>{f.title}</strong>
            <p>{f.explanation}</p>
            {f.commands.length > 0 && (
              <div className="commands">
                <pre>{f.commands.join('\n')}</pre>
                <CopyButton value={f.commands.join('\n')} what="the commands" />
              </div>
            )}
            {f.ports && (
              <button type="button" className="button" onClick={() => void useHigherPorts(f.ports!)}>
                Use ports {Object.values(f.ports).join(', ')} and restart
              </button>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}
