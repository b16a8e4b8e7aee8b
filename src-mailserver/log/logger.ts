// The server's one logger: pino writing JSON lines to stdout, to a rotating file in DATA/logs and
// to the in-memory ring buffer that the UI reads. Fields: cid, proto, user, msgid, queueId.
// Credentials and message bodies never go into a record.
import { pino, type Logger } from 'pino';
import sonicBoom from 'sonic-boom';

const { SonicBoom } = sonicBoom;
import { join } from 'node:path';
import { LogRingBuffer } from './ring-buffer.js';
import { RotatingFile } from './rotating-file.js';

export type { Logger } from 'pino';

export interface ServerLog {
  logger: Logger;
  ring: LogRingBuffer;
  /** Flush buffered lines (at shutdown). */
  flush(): void;
}

export interface ServerLogOptions {
  logDir?: string;
  level?: string;
  stdout?: boolean;
  ringCapacity?: number;
}

export function createServerLog(options: ServerLogOptions): ServerLog {
  const ring = new LogRingBuffer(options.ringCapacity);
  const file = options.logDir ? new RotatingFile({ file: join(options.logDir, 'mailserver.log') }) : undefined;
  const stdout = options.stdout === false ? undefined : new SonicBoom({ fd: 1, sync: false, minLength: 0 });
  const streams: pino.StreamEntry[] = [{ stream: ring, level: 'trace' }];
  if (file) streams.push({ stream: file, level: 'trace' });
  if (stdout) streams.push({ stream: stdout, level: 'trace' });
  const logger = pino(
    { level: options.level ?? 'info', base: undefined, timestamp: pino.stdTimeFunctions.epochTime },
    pino.multistream(streams),
  );
  return {
    logger,
    ring,
    flush() {
      file?.flush();
      try {
        stdout?.flushSync();
      } catch {
        /* stdout closed */
      }
    },
  };
}

/** A logger that drops everything, for CLI commands and unit tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
