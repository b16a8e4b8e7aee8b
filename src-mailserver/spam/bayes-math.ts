// The arithmetic of the Bayesian classifier, as in SpamBayes (Gary Robinson's method): each
// token's spam probability from its counts, shrunk towards 0.5 when it was seen rarely
// (Robinson's f(w)), the strongest clues kept, and combined with Fisher's chi-squared method
// into one probability with a real "unsure" middle. Pure.

export interface TokenCounts {
  spam: number;
  ham: number;
}

/** Strength and value of the prior for rarely seen tokens (SpamBayes' defaults). */
const S = 0.45;
const X = 0.5;
/** Tokens closer than this to 0.5 are not clues. */
const MIN_STRENGTH = 0.1;
const MAX_CLUES = 150;

/** Robinson's f(w) for a token seen `c.spam` times in `nSpam` spam and `c.ham` in `nHam` ham. */
export function tokenProbability(c: TokenCounts, nSpam: number, nHam: number): number {
  const spamRatio = c.spam / Math.max(1, nSpam);
  const hamRatio = c.ham / Math.max(1, nHam);
  const n = c.spam + c.ham;
  if (n === 0 || spamRatio + hamRatio === 0) return X;
  const p = spamRatio / (spamRatio + hamRatio);
  return (S * X + n * p) / (S + n);
}

/** P(chi² with `v` degrees of freedom ≥ x2), for even v. */
export function chi2Q(x2: number, v: number): number {
  const m = x2 / 2;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i < v / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/** Combine token probabilities into the message's spam probability (0.5 with no clues). */
export function combine(probabilities: number[]): { probability: number; clues: number } {
  const clues = probabilities
    .filter((p) => Math.abs(p - 0.5) >= MIN_STRENGTH)
    .sort((a, b) => Math.abs(b - 0.5) - Math.abs(a - 0.5))
    .slice(0, MAX_CLUES)
    .map((p) => Math.min(0.99, Math.max(0.01, p)));
  if (clues.length === 0) return { probability: 0.5, clues: 0 };
  let lnHam = 0;
  let lnSpam = 0;
  for (const p of clues) {
    lnHam += Math.log(p);
    lnSpam += Math.log(1 - p);
  }
  const n = clues.length;
  const spamminess = 1 - chi2Q(-2 * lnSpam, 2 * n);
  const hamminess = 1 - chi2Q(-2 * lnHam, 2 * n);
  return { probability: (spamminess - hamminess + 1) / 2, clues: n };
}
