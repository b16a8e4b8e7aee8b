// Keeps one MailService running for a process (`mailserver serve`, the desktop app's server
// process) and restarts it in place when the admin UI asks: stop, reload DATA/config.json with
// this run's overrides, start again; a listener set to 0 keeps the port it had (so open admin
// pages reconnect), and a failed restart falls back to the previous settings.
import type { Logger } from 'pino';
import { loadConfig, PORT_NAMES, type Config, type ConfigInput } from './config/config.js';
import { MailService, type ServiceOptions } from './service.js';

export interface RunnerOptions extends Omit<ServiceOptions, 'config' | 'requestRestart'> {
  /** Flags of this run, applied over config.json at every (re)start. */
  overrides: ConfigInput;
  logger: Logger;
  /** Called after every successful start (the first and each restart). */
  onStarted?(service: MailService): void;
  /** Called when even the previous settings do not start again. */
  onFatal?(err: unknown): void;
}

export class ServerRunner {
  private service: MailService | null = null;
  private restarting: Promise<void> | null = null;

  constructor(private readonly options: RunnerOptions) {}

  get current(): MailService {
    if (!this.service) throw new Error('the server is not running');
    return this.service;
  }

  async start(config: Config = loadConfig(this.options.dataDir, this.options.overrides)): Promise<MailService> {
    const { overrides: _o, onStarted: _s, onFatal: _f, ...serviceOptions } = this.options;
    const service = await MailService.start({ ...serviceOptions, config, requestRestart: () => this.requestRestart() });
    this.service = service;
    this.options.onStarted?.(service);
    return service;
  }

  /** Restart with the saved settings; concurrent requests share one restart. */
  requestRestart(): Promise<void> {
    this.restarting ??= this.restartNow()
      .catch((err: unknown) => {
        this.options.logger.fatal({ err }, 'server did not restart');
        this.options.onFatal?.(err);
      })
      .finally(() => (this.restarting = null));
    return this.restarting;
  }

  /** Wait for a restart under way, then stop. */
  async stop(): Promise<void> {
    await this.restarting;
    await this.service?.stop();
  }

  private async restartNow(): Promise<void> {
    const old = this.current;
    const previous = old.config;
    const bound = { ...old.ports };
    const keepPorts = (cfg: Config): Config => {
      const ports = { ...cfg.ports };
      for (const name of PORT_NAMES) if (ports[name] === 0 && bound[name]) ports[name] = bound[name]!;
      return { ...cfg, ports };
    };
    this.service = null;
    await old.stop();
    try {
      await this.start(keepPorts(loadConfig(this.options.dataDir, this.options.overrides)));
    } catch (err) {
      this.options.logger.error({ err }, 'restart with the new settings failed; starting with the previous ones');
      await this.start(keepPorts(previous));
    }
  }
}
