// From authentication verdicts to spam rules and to what the From domain's DMARC policy asks
// (RFC 7489 §6.6.4: reject or quarantine on failure; pct= applies the policy to a sample, the
// rest get the next weaker one), with the local ARC exception of RFC 7489 §10.3 / RFC 8617 §7.2:
// a failure under a valid ARC chain sealed by a forwarder we trust is forgiven. Pure.
import type { ArcVerdict, DmarcVerdict, MessageAuthVerdict } from '../auth/message-auth.js';
import type { ScoreCard } from './score-card.js';

export interface DmarcSettings {
  onReject: 'refuse' | 'junk';
  onQuarantine: 'junk' | 'score';
  honourPct: boolean;
  arcTrustedSealers: readonly string[];
}

export interface DmarcDisposition {
  action: 'none' | 'junk' | 'refuse';
  /** Why the policy was not applied in full. */
  override?: 'arc' | 'sampled-out' | 'local-policy';
  domain?: string;
}

/** Add the authentication rules; `arcForgiven`: a trusted ARC sealer vouches for a DMARC failure. */
export function scoreAuthentication(card: ScoreCard, auth: MessageAuthVerdict, arcForgiven = false): void {
  switch (auth.spf.result) {
    case 'pass':
      card.hit('SPF_PASS', auth.spf.domain);
      break;
    case 'fail':
      card.hit('SPF_FAIL', auth.spf.domain);
      break;
    case 'softfail':
      card.hit('SPF_SOFTFAIL', auth.spf.domain);
      break;
    case 'neutral':
      card.hit('SPF_NEUTRAL', auth.spf.domain);
      break;
    case 'none':
      card.hit('SPF_NONE', auth.spf.domain);
      break;
    default:
      card.hit('SPF_ERROR', `${auth.spf.domain} ${auth.spf.result}`);
  }
  if (auth.spfHelo?.result === 'fail') card.hit('SPF_HELO_FAIL', auth.spfHelo.domain);
  const passing = auth.dkim.filter((d) => d.result === 'pass');
  if (auth.dkim.length === 0) card.hit('DKIM_NONE');
  else if (passing.length > 0) {
    card.hit('DKIM_VALID', passing.map((d) => d.domain).join(' '));
    const authorDomain = auth.headerFrom.length === 1 ? auth.headerFrom[0]!.split('@').pop()!.toLowerCase() : null;
    if (authorDomain && passing.some((d) => d.domain === authorDomain)) card.hit('DKIM_VALID_AUTHOR', authorDomain);
  }
  if (auth.dkim.some((d) => d.result === 'fail' || d.result === 'neutral' || d.result === 'policy')) {
    card.hit('DKIM_INVALID', auth.dkim.filter((d) => d.result !== 'pass').map((d) => `${d.domain} ${d.result}`).join(', '));
  }
  if (auth.arc.result === 'pass') card.hit('ARC_PASS', auth.arc.sealer ?? undefined);
  else if (auth.arc.result === 'fail') card.hit('ARC_FAIL', auth.arc.sealer ?? undefined);
  const dmarc = auth.dmarc;
  if (!dmarc) return;
  if (dmarc.result === 'pass') card.hit('DMARC_PASS', dmarc.domain);
  else if (dmarc.result === 'fail' && arcForgiven) card.hit('ARC_TRUSTED', auth.arc.sealer ?? undefined);
  else if (dmarc.result === 'fail') {
    if (dmarc.policy === 'reject') card.hit('DMARC_FAIL_REJECT', dmarc.domain);
    else if (dmarc.policy === 'quarantine') card.hit('DMARC_FAIL_QUARANTINE', dmarc.domain);
    else card.hit('DMARC_FAIL_NONE', dmarc.domain);
  } else if (dmarc.result === 'permerror' && auth.headerFrom.length !== 1) card.hit('DMARC_BAD_FROM', dmarc.row.comment || undefined);
}

function trustedArc(arc: ArcVerdict, settings: DmarcSettings): boolean {
  return arc.result === 'pass' && arc.sealer !== null && settings.arcTrustedSealers.some((s) => s.toLowerCase() === arc.sealer);
}

/** What the DMARC result makes us do with the message; `random` in [0, 1) picks the pct sample. */
export function dmarcDisposition(dmarc: DmarcVerdict | null, arc: ArcVerdict, settings: DmarcSettings, random: number): DmarcDisposition {
  if (!dmarc || dmarc.result !== 'fail' || !dmarc.policy || dmarc.policy === 'none') return { action: 'none' };
  const domain = dmarc.domain;
  if (trustedArc(arc, settings)) return { action: 'none', override: 'arc', domain };
  let policy: 'reject' | 'quarantine' | 'none' = dmarc.policy;
  let override: DmarcDisposition['override'];
  if (settings.honourPct && dmarc.pct < 100 && random * 100 >= dmarc.pct) {
    policy = policy === 'reject' ? 'quarantine' : 'none';
    override = 'sampled-out';
  }
  if (policy === 'reject') return settings.onReject === 'refuse' ? { action: 'refuse', domain } : { action: 'junk', override: 'local-policy', domain };
  if (policy === 'quarantine') return settings.onQuarantine === 'junk' ? { action: 'junk', override, domain } : { action: 'none', override: 'local-policy', domain };
  return { action: 'none', override, domain };
}
