// Ports below 1024 on Linux: a normal user may not bind them (EACCES) unless the kernel's
// unprivileged port start is lowered, the program holds CAP_NET_BIND_SERVICE, or the firewall
// redirects the standard ports to higher ones. Given the ports that failed, this says each way
// out with the exact commands; the UI shows them and can switch to the higher ports itself.
import type { PortName } from './config.js';

export interface PortFixInput {
  failed: { name: PortName; port: number }[];
  platform: NodeJS.Platform;
  /** The program that binds the ports (node, or the Electron binary). */
  execPath: string;
  /** Set when running from an AppImage (its files are read-only; setcap cannot apply). */
  appImage?: string;
}

export interface PortFixDescription {
  id: 'sysctl' | 'setcap' | 'redirect' | 'admin';
  title: string;
  explanation: string;
  commands: string[];
  ports?: Partial<Record<PortName, number>>;
}

/** Ports above 1024 that keep the standard port recognisable (25 → 2525, 587 → 2587 ...). */
export const UNPRIVILEGED_ALTERNATIVES: Record<PortName, number> = {
  smtp: 2525,
  submission: 2587,
  smtps: 2465,
  imap: 2143,
  imaps: 2993,
  pop3: 2110,
  pop3s: 2995,
  http: 8080,
  https: 8443,
  admin: 8480,
};

export function isPermissionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function portFixes(input: PortFixInput): { ports: number[]; fixes: PortFixDescription[] } {
  const ports = [...new Set(input.failed.map((f) => f.port))].sort((a, b) => a - b);
  if (ports.length === 0) return { ports, fixes: [] };
  if (input.platform !== 'linux') {
    return {
      ports,
      fixes: [
        {
          id: 'admin',
          title: 'Allow the app to open these ports',
          explanation:
            input.platform === 'win32'
              ? 'Another program may already use these ports, or a security policy blocks them. Close the other program or allow Homemail in the firewall.'
              : 'macOS lets apps open these ports on all addresses; one bound to a single address needs administrator rights, or another program already uses the port.',
          commands: [],
        },
      ],
    };
  }
  const lowest = ports[0]!;
  const fixes: PortFixDescription[] = [
    {
      id: 'sysctl',
      title: `Let programs open ports from ${lowest} up`,
      explanation: `Lowers the kernel's first unprivileged port from 1024 to ${lowest}. Simplest on a machine only you use; every local program could then open these ports. The second command keeps it after a reboot.`,
      commands: [
        `sudo sysctl -w net.ipv4.ip_unprivileged_port_start=${lowest}`,
        `echo 'net.ipv4.ip_unprivileged_port_start=${lowest}' | sudo tee /etc/sysctl.d/60-homemail.conf`,
      ],
    },
  ];
  if (!input.appImage) {
    fixes.push({
      id: 'setcap',
      title: 'Give only this program the right to open low ports',
      explanation:
        'Grants CAP_NET_BIND_SERVICE to the program file, so nothing else gains the right. Repeat it after every update of the program' +
        (/node(\.exe)?$/.test(input.execPath) ? ' (here the program is Node.js itself, so every Node.js script gains it).' : '.'),
      commands: [`sudo setcap cap_net_bind_service=+ep ${shellQuote(input.execPath)}`],
    });
  }
  const alternatives: Partial<Record<PortName, number>> = {};
  const redirects: string[] = [];
  for (const { name, port } of input.failed) {
    const to = UNPRIVILEGED_ALTERNATIVES[name];
    alternatives[name] = to;
    redirects.push(`sudo iptables -t nat -A PREROUTING -p tcp --dport ${port} -j REDIRECT --to-ports ${to}`);
    redirects.push(`sudo ip6tables -t nat -A PREROUTING -p tcp --dport ${port} -j REDIRECT --to-ports ${to}`);
  }
  fixes.push({
    id: 'redirect',
    title: 'Use higher ports and redirect the standard ones',
    explanation:
      'The server listens on ports above 1024 and the firewall sends traffic for the standard ports there. Other servers and mail clients still use the standard ports. Install iptables-persistent to keep the rules after a reboot.',
    commands: redirects,
    ports: alternatives,
  });
  return { ports, fixes };
}
