// The outbound queue as the rest of the server sees it: intake (the port-25 Forwarder, submission
// and reports through the dispatcher), the scheduler and its delivery agents, the operations API
// with change events, and start-up recovery (rows rebuilt from envelope files, files without a
// row removed, finished messages settled). Hand-written, as DESIGN.md says: no library queues mail.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { DkimSigner } from '../auth/dkim-signer.js';
import type { Config } from '../config/config.js';
import type { Db } from '../directory/database.js';
import type { Directory } from '../directory/directory.js';
import type { DnsResolver } from '../dns/resolver.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { MessageStore } from '../store/message-store.js';
import { BounceSender } from './bounces.js';
import { MailDispatcher } from './dispatch.js';
import { LocalAgent } from './local-agent.js';
import { MtaStsPolicies } from './mta-sts.js';
import { QueueFiles } from './queue-files.js';
import { QueueIntake } from './queue-intake.js';
import { QueueOperations } from './queue-operations.js';
import { QueueStore } from './queue-store.js';
import { RelayConfig } from './relay-settings.js';
import { RemoteDelivery } from './remote-delivery.js';
import { QueueScheduler, type QueueChange } from './scheduler.js';
import type { MetricsSink } from '../metrics/mail-metrics.js';

export interface OutboundQueueDeps {
  dataDir: string;
  config: Config;
  db: Db;
  directory: Directory;
  store: MessageStore;
  resolver: DnsResolver;
  secrets: SecretStore;
  signer: DkimSigner;
  log: Logger;
  /** Extra CA certificates trusted for verified TLS (MTA-STS, a verifying relay). */
  trustedCa?: string[];
  /** Counts deliveries for the dashboard. */
  metrics?: MetricsSink;
}

export interface RecoveryReport {
  rebuilt: number;
  orphanFiles: number;
  lostFiles: number;
  queued: number;
}

export class OutboundQueue {
  readonly store: QueueStore;
  readonly files: QueueFiles;
  readonly intake: QueueIntake;
  readonly dispatcher: MailDispatcher;
  readonly relay: RelayConfig;
  readonly operations: QueueOperations;
  readonly scheduler: QueueScheduler;
  private readonly events = new EventEmitter();
  private readonly log: Logger;

  constructor(private readonly deps: OutboundQueueDeps) {
    this.log = deps.log;
    this.events.setMaxListeners(0);
    this.store = new QueueStore(deps.db);
    this.files = new QueueFiles(deps.dataDir, deps.store.dirSync);
    const emit = (change: QueueChange) => this.events.emit('change', change);
    this.intake = new QueueIntake(deps.config, this.store, this.files, (id) => {
      emit({ type: 'added', id });
      this.scheduler.wake();
    });
    this.dispatcher = new MailDispatcher(deps.directory, deps.store.delivery, this.intake, deps.log);
    this.relay = new RelayConfig(deps.dataDir, deps.config.relay, deps.secrets);
    const bounces = new BounceSender(deps.dataDir, deps.config.hostname, this.files, this.dispatcher, deps.signer, deps.log);
    const mtaSts = new MtaStsPolicies(deps.db, deps.resolver, deps.log, { ca: deps.trustedCa });
    const remote = new RemoteDelivery({
      config: deps.config,
      resolver: deps.resolver,
      files: this.files,
      relay: this.relay,
      mtaSts,
      log: deps.log,
      trustedCa: deps.trustedCa,
    });
    this.scheduler = new QueueScheduler({
      config: deps.config,
      store: this.store,
      files: this.files,
      relay: this.relay,
      remote,
      local: new LocalAgent(deps.directory.accounts, deps.store.delivery, this.files),
      bounces,
      log: deps.log,
      emit,
      metrics: deps.metrics,
    });
    this.operations = new QueueOperations(this.store, this.files, {
      wake: () => this.scheduler.wake(),
      settle: (id) => this.scheduler.settle(id),
      emit,
    });
  }

  /** Recover from the last run, then start delivering. */
  async start(): Promise<RecoveryReport> {
    const report = await this.recover();
    this.scheduler.start();
    return report;
  }

  async stop(graceMs?: number): Promise<void> {
    await this.scheduler.stop(graceMs);
  }

  /** The Forwarder of smtp/inbound-server.ts. */
  get forwarder(): QueueIntake {
    return this.intake;
  }

  /** Live view: every change to the queue (and `external` when another process changed it). */
  onChange(listener: (change: QueueChange) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  private async recover(): Promise<RecoveryReport> {
    await this.files.ensureDirs();
    const { messages, envelopes } = await this.files.listIds();
    const rows = new Set(this.store.messageIds());
    const report: RecoveryReport = { rebuilt: 0, orphanFiles: 0, lostFiles: 0, queued: rows.size };
    for (const id of envelopes) {
      if (rows.has(id)) continue;
      const envelope = messages.has(id) ? await this.files.readEnvelope(id) : null;
      if (envelope && envelope.message.id === id) {
        // The row was lost (a power cut after the fsyncs): the envelope file brings it back.
        this.store.insert(envelope.message, envelope.recipients);
        rows.add(id);
        report.rebuilt++;
        this.log.warn({ queueId: id }, 'queue entry rebuilt from its envelope file');
      } else {
        await this.files.removeEnvelope(id);
        await this.files.removeMessage(id);
        report.orphanFiles++;
      }
    }
    for (const id of messages) {
      if (rows.has(id) || envelopes.has(id)) continue;
      // Taken in but never acknowledged (no envelope, no row): not ours to deliver.
      await this.files.removeMessage(id);
      report.orphanFiles++;
    }
    for (const id of rows) {
      if (messages.has(id)) continue;
      const n = this.store.failQueued(id, 'The queued message file is missing', '4.3.0', Date.now());
      report.lostFiles++;
      this.log.error({ queueId: id, recipients: n }, 'queued message file missing; its recipients are reported as failed');
    }
    report.queued = rows.size;
    return report;
  }
}
