// Loopback addresses for peers that must listen on a fixed port (25 for MX peers, 443 for an
// MTA-STS policy host): a random address in the given /24 whose port is free right now, never the
// same one twice in a process. Random, so the same test file run at once from another worktree
// (or another file of the same range) does not collide with this one.
import { createServer } from 'node:net';

const handedOut = new Set<string>();

function free(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, address, () => server.close(() => resolve(true)));
  });
}

/** An address `PREFIX.N` (N in 2..254) where `ports` are all free. */
export async function peerAddress(prefix = '127.0.5', ports: number[] = [25]): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const address = `${prefix}.${2 + Math.floor(Math.random() * 253)}`;
    if (handedOut.has(address)) continue;
    handedOut.add(address);
    let ok = true;
    for (const port of ports) if (!(await free(address, port))) ok = false;
    if (ok) return address;
  }
  throw new Error(`no free address in ${prefix}.0/24`);
}
