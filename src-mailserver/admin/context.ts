// What admin handlers may use: the server's subsystems, handed over by service.ts (the only place
// that wires them). Subsystems that arrive with other parts of the server (queue, DNS checks,
// ACME, relay) are optional here and adapted to the contract's shapes where they are wired.
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Db } from '../directory/database.js';
import type { Directory } from '../directory/directory.js';
import type { DnsResolver } from '../dns/resolver.js';
import type { LogRingBuffer } from '../log/ring-buffer.js';
import type { MailMetrics } from '../metrics/mail-metrics.js';
import type { MessageStore } from '../store/message-store.js';
import type { TlsProvider } from '../tls/tls-provider.js';
import type {
  CertificateInfo,
  DnsCheckReport,
  DnsRecords,
  ListenerStatus,
  Port25Result,
  PortProblem,
  PublicIpInfo,
  QueueFilter,
  QueueItem,
  QueueItemDetail,
  QueueSummary,
  RelayInput,
  RelaySettings,
} from './contract.js';

export interface QueueAdmin {
  list(filter?: QueueFilter): Promise<QueueItem[]> | QueueItem[];
  show(id: string): Promise<QueueItemDetail> | QueueItemDetail;
  retry(id: string): Promise<QueueItem> | QueueItem;
  hold(id: string): Promise<QueueItem> | QueueItem;
  release(id: string): Promise<QueueItem> | QueueItem;
  delete(id: string): Promise<void> | void;
  bounce(id: string): Promise<void> | void;
  summary(): QueueSummary;
  /** Called after any change to the queue. */
  onChange(listener: () => void): () => void;
}

export interface DnsAdmin {
  records(domain: string): Promise<DnsRecords> | DnsRecords;
  check(domain: string): Promise<DnsCheckReport>;
  lastCheck(domain: string): DnsCheckReport | null;
  onReport?(listener: (report: DnsCheckReport) => void): () => void;
}

export interface NetworkAdmin {
  publicIp(refresh: boolean): Promise<PublicIpInfo>;
  port25Test(target?: string): Promise<Port25Result>;
  /** Plain words when the public IP changed and DNS checks broke; null otherwise. */
  warning?(): string | null;
}

export interface CertificateAdmin {
  list(): CertificateInfo[];
  useSelfSigned(): Promise<void>;
  requestAcme(email?: string): Promise<void>;
}

export interface RelayAdmin {
  get(): Promise<RelaySettings> | RelaySettings;
  set(input: RelayInput): Promise<RelaySettings>;
  test(to: string): Promise<{ ok: boolean; detail: string }>;
}

export interface AdminContext {
  mode: 'desktop' | 'headless';
  startedAt: number;
  dataDir: string;
  /** The settings this run started with (a restart applies saved changes). */
  config: Config;
  db: Db;
  directory: Directory;
  store: MessageStore;
  tls: TlsProvider;
  resolver: DnsResolver;
  log: Logger;
  ring: LogRingBuffer | null;
  metrics: MailMetrics;
  /** Every listener's state (labels are added by the status). */
  listeners(): Omit<ListenerStatus, 'label'>[];
  portProblem(): PortProblem | null;
  incomingPaused(): boolean;
  setIncomingPaused(paused: boolean): Promise<void>;
  /** Restart the server with the saved settings; null when whoever started it cannot. */
  requestRestart: (() => void) | null;
  queue?: QueueAdmin;
  dns?: DnsAdmin;
  network?: NetworkAdmin;
  certificates?: CertificateAdmin;
  relay?: RelayAdmin;
  /** The web address autoconfig and profiles are served from, when the HTTP listener runs. */
  httpBase?: () => string | null;
}
