// The AdminApi contract: every request the UI can make and every event it can receive, as types
// only. Both transports (Electron IPC, HTTP + WebSocket) carry exactly these shapes, and the
// renderer imports nothing else from the server. Inputs are validated by the server (handlers/).

// ---------------------------------------------------------------------------------------------
// Values shared by several requests

export type ServiceName = 'smtp' | 'submission' | 'smtps' | 'imap' | 'imaps' | 'pop3' | 'pop3s' | 'http' | 'https' | 'admin';

/** `running`: listening; `off`: port set to off; `unavailable`: not built into this version yet;
 *  `paused`: stopped on purpose (incoming mail paused); `error`: could not start (see `error`). */
export type ListenerState = 'running' | 'off' | 'unavailable' | 'paused' | 'error';

export interface ListenerStatus {
  name: ServiceName;
  /** What it is for, in words ("Incoming mail (MX)"). */
  label: string;
  /** Port from the settings; null = off. */
  configuredPort: number | null;
  /** Port actually bound (differs when the setting is 0). */
  port: number | null;
  state: ListenerState;
  error?: { code: string; message: string };
}

/** Why ports below 1024 could not be bound, and the ways to fix it, with exact commands. */
export interface PortProblem {
  ports: number[];
  fixes: PortFix[];
}

export interface PortFix {
  id: 'sysctl' | 'setcap' | 'redirect' | 'admin';
  title: string;
  explanation: string;
  commands: string[];
  /** For `redirect`: the unprivileged ports to switch the settings to (applied by settings.update). */
  ports?: Partial<Record<ServiceName, number>>;
}

export type Severity = 'ok' | 'warning' | 'error';

/** Something the user should look at; shown on the dashboard, in the tray and as a notification. */
export interface AttentionItem {
  id: string;
  severity: 'warning' | 'error';
  title: string;
  detail: string;
  /** Screen that fixes it, e.g. `dns/example.org`, `queue`, `settings`. */
  link?: string;
}

export interface TodayCounters {
  received: number;
  sent: number;
  rejected: number;
  deferred: number;
  bounced: number;
  authFailures: number;
}

export interface QueueSummary {
  total: number;
  deferred: number;
  held: number;
  /** Age in seconds of the oldest message still waiting, 0 when empty. */
  oldestAgeSeconds: number;
}

export interface CertificateInfo {
  /** Names the certificate is valid for. */
  names: string[];
  issuer: string;
  source: 'self-signed' | 'acme' | 'user';
  notBefore: number;
  notAfter: number;
  /** Days until notAfter, rounded down (negative when expired). */
  daysLeft: number;
  /** ACME state when source is acme or an order is under way. */
  acme?: { state: 'idle' | 'ordering' | 'failed'; lastError?: string; renewAt?: number };
}

/** One combined state with a fixed priority: error > attention > paused > running. */
export type OverallState = 'running' | 'attention' | 'paused' | 'error';

export interface ServerStatus {
  version: string;
  mode: 'desktop' | 'headless';
  hostname: string;
  startedAt: number;
  overall: OverallState;
  incomingPaused: boolean;
  listeners: ListenerStatus[];
  counters: TodayCounters;
  /** null when this version has no outbound queue. */
  queue: QueueSummary | null;
  certificates: CertificateInfo[];
  /** The newest warning and error log lines. */
  recentErrors: LogLine[];
  attention: AttentionItem[];
  portProblem: PortProblem | null;
  domains: number;
  accounts: number;
  setupComplete: boolean;
}

export interface HourlyPoint {
  /** Start of the hour, ms since the epoch. */
  hour: number;
  received: number;
  sent: number;
  rejected: number;
  deferred: number;
  bounced: number;
}

// ---------------------------------------------------------------------------------------------
// Directory

export interface DomainInfo {
  /** ASCII (A-label) form; the key for every request. */
  name: string;
  /** Unicode form for display. */
  display: string;
  createdAt: number;
  accounts: number;
  aliases: number;
  dkimSelectors: string[];
  /** Addresses other servers expect (postmaster@, abuse@) that do not exist yet. */
  missingRoleAddresses: string[];
}

export interface AccountInfo {
  address: string;
  domain: string;
  localPart: string;
  quotaBytes: number | null;
  quotaMessages: number | null;
  usedBytes: number;
  usedMessages: number;
  disabled: boolean;
  createdAt: number;
  /** Aliases that deliver to this account (it may send as them). */
  aliases: string[];
}

export interface AliasInfo {
  /** `local@domain`, or `@domain` for the catch-all. */
  address: string;
  domain: string;
  catchAll: boolean;
  targets: string[];
  /** Local accounts among the targets: they may send as this alias. */
  senders: string[];
}

// ---------------------------------------------------------------------------------------------
// Logs

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogLine {
  /** Increases by one per record the server logged since it started. */
  seq: number;
  time: number;
  level: LogLevelName;
  component: string;
  msg: string;
  /** Every other field of the record (cid, proto, user, msgid, queueId, remote ...). */
  fields: Record<string, unknown>;
}

export interface LogFilter {
  /** Lowest level shown. */
  level?: LogLevelName;
  component?: string;
  /** Words that must all appear in the message or a field value; `key:value` matches one field
   *  (`ip:` matches remote/ip fields, `id:` any id field, `domain:` addresses of that domain). */
  text?: string;
  /** A connection, queue or message id. */
  id?: string;
}

// ---------------------------------------------------------------------------------------------
// Queue

export type QueueItemState = 'queued' | 'deferred' | 'held' | 'sending';
export type RecipientState = 'pending' | 'delivered' | 'failed' | 'deferred';

export interface RemoteReply {
  code: number;
  enhanced?: string;
  text: string;
  /** The reply in plain words with the next step, when we recognise it. */
  explanation?: string;
}

export interface QueueRecipient {
  address: string;
  state: RecipientState;
  attempts: number;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  lastReply: RemoteReply | null;
  /** Remote host that gave the last reply. */
  remoteHost?: string;
}

export interface QueueItem {
  id: string;
  sender: string;
  recipients: QueueRecipient[];
  state: QueueItemState;
  arrivedAt: number;
  size: number;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  messageId: string | null;
  subject: string | null;
  counts: { delivered: number; pending: number; failed: number };
}

export interface QueueAttempt {
  at: number;
  recipient: string;
  host: string | null;
  result: 'delivered' | 'deferred' | 'failed';
  reply: RemoteReply | null;
}

export interface QueueItemDetail extends QueueItem {
  nextDelayNoticeAt: number | null;
  expiresAt: number | null;
  history: QueueAttempt[];
  headers: string;
}

export interface QueueFilter {
  text?: string;
  state?: QueueItemState;
  domain?: string;
}

// ---------------------------------------------------------------------------------------------
// DNS, network, certificates, relay, client settings

export type DnsImportance = 'required' | 'recommended' | 'optional';

export interface DnsRecord {
  /** Section it belongs to: mx, a, ptr, spf, dkim, dmarc, mta-sts, tls-rpt, srv, autoconfig. */
  kind: string;
  name: string;
  type: string;
  value: string;
  ttl: number;
  importance: DnsImportance;
  explanation: string;
}

export interface DnsRecords {
  domain: string;
  records: DnsRecord[];
  /** The whole zone fragment, ready to paste or load. */
  zoneFile: string;
}

export interface DnsCheck {
  /** mx, a, ptr, spf, dkim, dmarc, mta-sts, tls-rpt, port25, dnsbl */
  id: string;
  status: Severity;
  detail: string;
  fix?: string;
  found?: string[];
  expected?: string[];
  /** The authoritative server has the expected value but resolvers do not yet. */
  propagating?: boolean;
}

export interface DnsCheckReport {
  domain: string;
  checkedAt: number;
  checks: DnsCheck[];
}

export interface PublicIpInfo {
  ip: string | null;
  source: 'manual' | 'interface' | 'echo' | 'none';
  reverseNames: string[];
  /** Suggested host name (from the reverse name or the first domain). */
  suggestedHostname: string | null;
  /** The reverse name does not match the configured host name. */
  reverseMismatch: boolean;
}

export interface Port25Stage {
  name: 'resolve' | 'connect' | 'greeting' | 'starttls';
  ok: boolean;
  ms: number | null;
  detail: string;
}

export interface Port25Result {
  ok: boolean;
  target: string;
  stages: Port25Stage[];
  explanation: string;
}

export type RelayTls = 'implicit' | 'starttls' | 'none';

export interface RelaySettings {
  enabled: boolean;
  host: string;
  port: number;
  tls: RelayTls;
  username: string;
  /** Whether a password is stored (never the password itself). */
  hasPassword: boolean;
  /** Destination domains sent through the relay; empty = all mail. */
  domains: string[];
}

export interface RelayInput {
  enabled: boolean;
  host: string;
  port: number;
  tls: RelayTls;
  username: string;
  /** Omitted = keep the stored password; '' = remove it. */
  password?: string;
  domains: string[];
}

export interface ClientSetting {
  protocol: 'imap' | 'pop3' | 'smtp';
  host: string;
  port: number;
  security: 'tls' | 'starttls';
  recommended: boolean;
}

export interface ClientSettings {
  address: string | null;
  username: string;
  servers: ClientSetting[];
  autoconfigUrl: string | null;
  mobileconfigUrl: string | null;
}

// ---------------------------------------------------------------------------------------------
// Settings, wizard

export interface DesktopPreferences {
  closeToTray: boolean;
  startMinimized: boolean;
  startAtLogin: boolean;
  notifications: boolean;
}

export interface Settings {
  hostname: string;
  publicIp: string | null;
  listen: string;
  ports: Record<ServiceName, number | null>;
  limits: {
    maxMessageBytes: number;
    maxRecipients: number;
    maxConnections: number;
    smtpIdleSeconds: number;
  };
  desktop: DesktopPreferences;
}

/** A partial update; only the fields given change. */
export interface SettingsPatch {
  hostname?: string;
  publicIp?: string | null;
  ports?: Partial<Record<ServiceName, number | null>>;
  limits?: Partial<Settings['limits']>;
  desktop?: Partial<DesktopPreferences>;
}

/** In order: host name and public IP, first domain, first account, certificate, DNS records,
 *  port 25 test (relay as the fallback), client settings, summary. */
export type WizardStep = 'host' | 'domain' | 'account' | 'certificate' | 'dns' | 'port25' | 'clients' | 'summary';

export interface WizardState {
  step: WizardStep;
  completed: WizardStep[];
  finished: boolean;
  /** What the wizard chose so far (the first domain and account). */
  domain: string | null;
  account: string | null;
}

// ---------------------------------------------------------------------------------------------
// Requests: method name → params and result

export interface AdminRequests {
  'status.get': { params: Record<string, never>; result: ServerStatus };
  'metrics.hourly': { params: { hours?: number }; result: HourlyPoint[] };

  'domains.list': { params: Record<string, never>; result: DomainInfo[] };
  'domains.add': { params: { name: string }; result: DomainInfo };
  'domains.remove': { params: { name: string; force?: boolean }; result: { removed: string } };

  'accounts.list': { params: { domain?: string }; result: AccountInfo[] };
  'accounts.add': { params: { address: string; password: string; quotaBytes?: number | null }; result: AccountInfo };
  'accounts.remove': { params: { address: string }; result: { removed: string } };
  'accounts.setPassword': { params: { address: string; password: string }; result: AccountInfo };
  'accounts.setQuota': { params: { address: string; quotaBytes: number | null; quotaMessages: number | null }; result: AccountInfo };
  'accounts.setDisabled': { params: { address: string; disabled: boolean }; result: AccountInfo };

  'aliases.list': { params: { domain?: string }; result: AliasInfo[] };
  'aliases.add': { params: { source: string; targets: string[] }; result: AliasInfo };
  'aliases.remove': { params: { source: string; targets?: string[] }; result: { removed: string } };

  'logs.recent': { params: { limit?: number; filter?: LogFilter; beforeSeq?: number }; result: LogLine[] };

  'queue.list': { params: { filter?: QueueFilter }; result: QueueItem[] };
  'queue.show': { params: { id: string }; result: QueueItemDetail };
  'queue.retry': { params: { id: string }; result: QueueItem };
  'queue.hold': { params: { id: string }; result: QueueItem };
  'queue.release': { params: { id: string }; result: QueueItem };
  /** Remove without telling the sender. */
  'queue.delete': { params: { id: string }; result: { removed: string } };
  /** Give up now and send the sender a bounce (DSN). */
  'queue.bounce': { params: { id: string }; result: { bounced: string } };

  'dns.records': { params: { domain: string }; result: DnsRecords };
  'dns.check': { params: { domain: string }; result: DnsCheckReport };
  'dns.lastCheck': { params: { domain: string }; result: DnsCheckReport | null };

  'network.publicIp': { params: { refresh?: boolean }; result: PublicIpInfo };
  'network.port25Test': { params: { target?: string }; result: Port25Result };

  'certificates.list': { params: Record<string, never>; result: CertificateInfo[] };
  'certificates.useSelfSigned': { params: Record<string, never>; result: CertificateInfo[] };
  'certificates.requestAcme': { params: { email?: string }; result: CertificateInfo[] };

  'relay.get': { params: Record<string, never>; result: RelaySettings };
  'relay.set': { params: RelayInput; result: RelaySettings };
  'relay.test': { params: { to: string }; result: { ok: boolean; detail: string } };

  'clients.settings': { params: { address?: string }; result: ClientSettings };

  'settings.get': { params: Record<string, never>; result: Settings };
  'settings.update': { params: SettingsPatch; result: { settings: Settings; restartRequired: boolean } };

  'wizard.get': { params: Record<string, never>; result: WizardState };
  'wizard.save': { params: Partial<WizardState>; result: WizardState };

  'server.pauseIncoming': { params: { paused: boolean }; result: ServerStatus };
  /** Restart every listener with the saved settings (the admin connection drops and comes back). */
  'server.restart': { params: Record<string, never>; result: { restarting: true } };
}

export type AdminMethod = keyof AdminRequests;
export type AdminParams<M extends AdminMethod> = AdminRequests[M]['params'];
export type AdminResult<M extends AdminMethod> = AdminRequests[M]['result'];

/** Error codes: `invalid` (bad input), `not_found`, `exists`, `not_empty`, `unauthorized`,
 *  `unavailable` (this version or this state cannot do it), `unknown_method`, `internal`,
 *  `server_unavailable` (desktop: the server process is restarting). */
export interface AdminError {
  code: string;
  message: string;
}

export type AdminResponse<R = unknown> = { ok: true; result: R } | { ok: false; error: AdminError };

// ---------------------------------------------------------------------------------------------
// Events pushed to every connected UI

/** Desktop only: the state of the server process as the Electron main process sees it. */
export interface SupervisorState {
  state: 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';
  restarts: number;
  /** When the next start is due (restarting). */
  nextStartAt: number | null;
  lastExit: { code: number | null; at: number } | null;
}

export type AdminEvent =
  | { type: 'status'; status: ServerStatus }
  | { type: 'log'; lines: LogLine[] }
  | { type: 'queue'; summary: QueueSummary }
  | { type: 'dns'; report: DnsCheckReport }
  | { type: 'directory' }
  | { type: 'settings'; settings: Settings }
  | { type: 'supervisor'; supervisor: SupervisorState };

/** What the Electron preload exposes as `window.mailAdmin`. */
export interface MailAdminBridge {
  call(method: string, params: unknown): Promise<AdminResponse>;
  /** Returns the function that unsubscribes. */
  onEvent(listener: (event: AdminEvent) => void): () => void;
}
