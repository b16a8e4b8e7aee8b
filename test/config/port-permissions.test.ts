// Ports below 1024 for a normal user on Linux: the fixes offered for each case, and, for real, a
// server run as `nobody` failing on port 25 with those fixes, then binding it once the printed
// setcap command has been applied to (a copy of) its program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, copyFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { portFixes } from '../../src-mailserver/config/port-permissions.js';
import { MAILSERVER_BIN, run, serveArgs, spawnServer } from '../support/processes.js';
import { makeTempDir } from '../support/temp-dir.js';

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--'];

test('the fixes for a port that needs privileges, per platform and packaging', () => {
  const linux = portFixes({
    failed: [
      { name: 'smtp', port: 25 },
      { name: 'imaps', port: 993 },
    ],
    platform: 'linux',
    execPath: '/opt/Homemail/homemail',
  });
  assert.deepEqual(linux.ports, [25, 993]);
  assert.deepEqual(
    linux.fixes.map((f) => f.id),
    ['sysctl', 'setcap', 'redirect'],
  );
  assert.deepEqual(linux.fixes[0]!.commands, [
    'sudo sysctl -w net.ipv4.ip_unprivileged_port_start=25',
    "echo 'net.ipv4.ip_unprivileged_port_start=25' | sudo tee /etc/sysctl.d/60-homemail.conf",
  ]);
  assert.deepEqual(linux.fixes[1]!.commands, ['sudo setcap cap_net_bind_service=+ep /opt/Homemail/homemail']);
  assert.deepEqual(linux.fixes[2]!.ports, { smtp: 2525, imaps: 2993 });
  assert.ok(linux.fixes[2]!.commands.includes('sudo iptables -t nat -A PREROUTING -p tcp --dport 993 -j REDIRECT --to-ports 2993'));

  const spaced = portFixes({ failed: [{ name: 'smtp', port: 25 }], platform: 'linux', execPath: "/home/me/My Apps/it's/homemail" });
  assert.equal(spaced.fixes[1]!.commands[0], `sudo setcap cap_net_bind_service=+ep '/home/me/My Apps/it'\\''s/homemail'`);
  const appImage = portFixes({ failed: [{ name: 'smtp', port: 25 }], platform: 'linux', execPath: '/tmp/.mount_x/homemail', appImage: '/home/me/Homemail.AppImage' });
  assert.deepEqual(
    appImage.fixes.map((f) => f.id),
    ['sysctl', 'redirect'],
    'an AppImage is read-only: no setcap',
  );
  assert.deepEqual(portFixes({ failed: [{ name: 'smtp', port: 25 }], platform: 'win32', execPath: 'C:\\x.exe' }).fixes.map((f) => f.id), ['admin']);
  assert.deepEqual(portFixes({ failed: [], platform: 'linux', execPath: '/x' }).fixes, []);
});

test('as a normal user, port 25 fails with the fixes; the printed setcap command makes it work', async (t) => {
  const dir = await makeTempDir();
  t.after(() => dir.remove());
  chownSync(dir.path, 65534, 65534);
  const args = serveArgs(dir.path, [], ['--listen', '127.0.7.21', '--smtp-port', '25']);
  const env = { ...process.env, HOME: dir.path };
  const refused = await run('setpriv', [...NOBODY, process.execPath, MAILSERVER_BIN, 'serve', ...args], { env });
  assert.equal(refused.code, 1);
  const node = realpathSync(process.execPath);
  assert.match(refused.stderr, /mailserver serve: cannot listen on 127\.0\.7\.21:25 for smtp: permission denied \(or use --smtp-port with a port above 1024\)\. Ways to fix it:/);
  assert.ok(refused.stderr.includes('    sudo sysctl -w net.ipv4.ip_unprivileged_port_start=25\n'), refused.stderr);
  assert.ok(refused.stderr.includes(`    sudo setcap cap_net_bind_service=+ep ${process.execPath}\n`) || refused.stderr.includes(`+ep ${node}\n`), refused.stderr);
  assert.ok(refused.stderr.includes('    sudo iptables -t nat -A PREROUTING -p tcp --dport 25 -j REDIRECT --to-ports 2525'));

  // Apply the setcap fix as printed (we are root, so without sudo) to a copy of node.
  const copy = join(dir.path, 'node');
  copyFileSync(node, copy);
  const setcap = await run('setcap', ['cap_net_bind_service=+ep', copy]);
  assert.equal(setcap.code, 0, setcap.stderr);
  const server = await spawnServer(t, args, { env, command: ['setpriv', ...NOBODY, copy] });
  assert.equal(server.ports.smtp, 25);
  const greeting = await run('swaks', ['--server', '127.0.7.21:25', '--quit-after', 'EHLO', '--helo', 'client.test'], { timeoutMs: 10_000 });
  assert.match(greeting.stdout, /<- {2}220 mail\.example\.test/);
});
