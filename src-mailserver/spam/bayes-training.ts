// Training each user's Bayesian classifier from what the user does over IMAP: a message moved
// or copied into the Junk mailbox (special use \Junk, RFC 6154 §2) is learned as spam; one moved
// or copied out of Junk into any mailbox but Trash is learned as ham. The change bus announces
// such copies; the messages' first bytes are read and trained one event at a time, off the
// path of the IMAP command that caused them. Deliveries into Junk by the filter are not copies
// and teach nothing.
import type { Logger } from 'pino';
import type { BayesClass, BayesClassifier } from './bayes.js';
import { readMessageText } from './message-text.js';

/** The part of the change bus's copy event that training needs. */
export interface CopyEvent {
  type: 'copy';
  accountId: number;
  sourceSpecialUse: string | null;
  mailboxId: number;
  targetSpecialUse: string | null;
  /** UIDs of the copies in the target mailbox. */
  uids: number[];
}

export interface TrainingDeps {
  subscribe(listener: (change: { type: string }) => void): () => void;
  /** The first `maxBytes` of a message, or null when it is gone. */
  readMessageHead(accountId: number, mailboxId: number, uid: number, maxBytes: number): Promise<Buffer | null>;
  bayes: BayesClassifier;
  log: Logger;
}

const HEAD_BYTES = 256 * 1024;

/** What moving messages from `source` to `target` (special uses) teaches, if anything. */
export function trainingClass(sourceSpecialUse: string | null, targetSpecialUse: string | null): BayesClass | null {
  const fromJunk = sourceSpecialUse === '\\Junk';
  const toJunk = targetSpecialUse === '\\Junk';
  if (toJunk && !fromJunk) return 'spam';
  if (fromJunk && !toJunk && targetSpecialUse !== '\\Trash') return 'ham';
  return null;
}

export class BayesTrainer {
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: TrainingDeps) {}

  start(): void {
    this.unsubscribe ??= this.deps.subscribe((change) => {
      if (change.type !== 'copy') return;
      const copy = change as CopyEvent;
      const cls = trainingClass(copy.sourceSpecialUse, copy.targetSpecialUse);
      if (!cls || copy.uids.length === 0) return;
      this.chain = this.chain.then(() => this.train(copy, cls));
    });
  }

  /** Stop listening; resolves when what was queued is trained. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.chain;
  }

  /** Resolves when everything announced so far is trained (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async train(copy: CopyEvent, cls: BayesClass): Promise<void> {
    const counts = { trained: 0, retrained: 0, unchanged: 0, missing: 0 };
    try {
      for (const uid of copy.uids) {
        const head = await this.deps.readMessageHead(copy.accountId, copy.mailboxId, uid, HEAD_BYTES);
        if (!head) {
          counts.missing++;
          continue;
        }
        counts[this.deps.bayes.train(copy.accountId, readMessageText(head), cls).result]++;
      }
      this.deps.log.info({ accountId: copy.accountId, class: cls, ...counts }, 'bayes trained');
    } catch (err) {
      this.deps.log.error({ err, accountId: copy.accountId, class: cls }, 'bayes training failed');
    }
  }
}
