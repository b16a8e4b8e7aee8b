// Tokens for the Bayesian classifier, in the manner of SpamBayes and SpamAssassin's Bayes: words
// of the subject (marked apart from body words), words of the text (lower case, 3 to 24
// letters or digits, any script), the From domain, link host names and their registrable
// part, and attachment types. Each token counts once per message. Pure.
import { addressesIn } from '../mail/header-fields.js';
import type { MessageText } from './message-text.js';

const MAX_TOKENS = 3000;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'_-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;

function words(text: string, prefix: string, out: Set<string>): void {
  for (const m of text.toLowerCase().matchAll(WORD)) {
    if (out.size >= MAX_TOKENS) return;
    const w = m[0];
    if (w.length < 3) continue;
    if (w.length > 24) {
      out.add(`${prefix}long:${Math.floor(w.length / 8) * 8}`);
      continue;
    }
    if (/^\d+$/.test(w)) continue; // numbers say little and vary per message
    out.add(prefix + w);
  }
}

export function tokenize(message: MessageText): string[] {
  const tokens = new Set<string>();
  words(message.subject, 'subject:', tokens);
  const from = addressesIn(message.from)[0];
  if (from) tokens.add(`from:${from.slice(from.lastIndexOf('@') + 1).toLowerCase()}`);
  for (const host of message.urlHosts.slice(0, 50)) {
    tokens.add(`url:${host}`);
    const labels = host.split('.');
    if (labels.length > 2) tokens.add(`url:${labels.slice(-2).join('.')}`);
  }
  for (const ext of message.attachments.slice(0, 20)) tokens.add(`attach:${ext}`);
  words(message.text, '', tokens);
  return [...tokens].slice(0, MAX_TOKENS);
}
