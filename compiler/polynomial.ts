// Polynomials over opaque atoms (size names, floor divisions) with integer coefficients,
// for compiler/factor.ts: a term map keyed by the atoms, contents, coefficients in one atom,
// exact division by a linear factor d*a + e, and the search for such factors.

export interface FAtom {
  readonly key: string;
  readonly name?: string;
  readonly num?: { toString(): string };
  readonly den?: number;
}
export interface FTerm {
  readonly c: number;
  readonly atoms: readonly FAtom[]; // sorted by key, repeated for powers
}

export type Poly = Map<string, { c: number; atoms: FAtom[] }>;
export interface Linear { a: FAtom; d: number; e: number }

const SEP = "\u0001";
export const keyOf = (atoms: readonly FAtom[]) => atoms.map((a) => a.key).join(SEP);
export const byKey = (a: FAtom, b: FAtom) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
export const gcd = (a: number, b: number): number => {
  [a, b] = [Math.abs(a), Math.abs(b)];
  while (b) [a, b] = [b, a % b];
  return a;
};

export function addTo(p: Poly, c: number, atoms: FAtom[]): void {
  if (c === 0) return;
  const k = keyOf(atoms);
  const m = p.get(k);
  if (!m) p.set(k, { c, atoms });
  else if ((m.c += c) === 0) p.delete(k);
}

export const polyOf = (terms: readonly FTerm[]): Poly => {
  const p: Poly = new Map();
  for (const t of terms) addTo(p, t.c, [...t.atoms]);
  return p;
};
export const contentOf = (p: Poly) => [...p.values()].reduce((g, t) => gcd(g, t.c), 0);
export const mapCoeffs = (p: Poly, f: (c: number) => number): Poly =>
  new Map([...p].map(([k, t]) => [k, { c: f(t.c), atoms: t.atoms }]));
export const count = (atoms: readonly FAtom[], a: FAtom) => atoms.filter((x) => x.key === a.key).length;

/** The polynomials Q_k with p = sum of Q_k * a^k. */
export function coefficientsIn(p: Poly, a: FAtom): Poly[] {
  const out: Poly[] = [];
  for (const t of p.values()) {
    const k = count(t.atoms, a);
    while (out.length <= k) out.push(new Map());
    addTo(out[k], t.c, t.atoms.filter((x) => x.key !== a.key));
  }
  return out;
}

/** p / (d*a + e) when it divides exactly, else undefined (synthetic division in a). */
function divideLinear(p: Poly, a: FAtom, d: number, e: number): Poly | undefined {
  const q = coefficientsIn(p, a);
  const n = q.length - 1;
  const quotient: Poly = new Map();
  let cur = q[n];
  for (let k = n - 1; k >= 0; k--) {
    if ([...cur.values()].some((t) => t.c % d !== 0)) return undefined;
    const s = mapCoeffs(cur, (c) => c / d);
    for (const t of s.values()) addTo(quotient, t.c, [...t.atoms, ...Array<FAtom>(k).fill(a)].sort(byKey));
    cur = new Map(q[k]);
    for (const t of s.values()) addTo(cur, -e * t.c, t.atoms);
  }
  return cur.size === 0 ? quotient : undefined;
}

function divisors(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 1; i * i <= n; i++)
    if (n % i === 0) {
      small.push(i);
      if (i * i !== n) large.unshift(n / i);
    }
  return [...small, ...large];
}

// Candidate factors are screened modulo a prime, the other atoms at fixed residues.
const PRIME = 67108859; // 2^26 - 5: a product of two residues is exact in a double
const mod = (x: number) => ((x % PRIME) + PRIME) % PRIME;
const mulMod = (x: number, y: number) => (x * y) % PRIME;
const powMod = (x: number, k: number) => {
  let v = 1;
  for (let i = 0; i < k; i++) v = mulMod(v, mod(x));
  return v;
};
const pointOf = (a: FAtom) => [...a.key].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % PRIME, 7) || 1;
const residue = (p: Poly) =>
  [...p.values()].reduce((s, t) => (s + t.atoms.reduce((v, a) => mulMod(v, pointOf(a)), mod(t.c))) % PRIME, 0);

const MAX_TRIALS = 4000; // bounds the work on a polynomial with huge, highly composite coefficients

/** A linear factor d*a + e of a primitive p with no monomial factor, and p divided by it. */
export function linearFactor(p: Poly, atoms: readonly FAtom[]): [Linear, Poly] | undefined {
  for (const a of atoms) {
    const q = coefficientsIn(p, a);
    if (q.length < 2) continue;
    let trials = 0;
    const r = q.map(residue);
    for (const d of divisors(contentOf(q[q.length - 1])))
      for (const m of divisors(contentOf(q[0]))) {
        if (gcd(d, m) !== 1) continue;
        for (const e of [m, -m]) {
          if (++trials > MAX_TRIALS) break;
          // d^n * p(a = -e/d) at a fixed point: zero whenever d*a + e divides p
          let v = 0;
          for (let k = r.length - 1; k >= 0; k--) v = (mulMod(v, mod(-e)) + mulMod(r[k], powMod(d, r.length - 1 - k))) % PRIME;
          if (v !== 0) continue;
          const quotient = divideLinear(p, a, d, e);
          if (quotient) return [{ a, d, e }, quotient];
        }
      }
  }
  return undefined;
}

/** -r when p = (a + e)*s + r for a constant r, else undefined. */
export function constantRemainder(p: Poly, a: FAtom, e: number): number | undefined {
  const q = coefficientsIn(p, a);
  let cur = q[q.length - 1];
  for (let k = q.length - 2; k >= 0; k--) {
    const s = cur;
    cur = new Map(q[k]);
    for (const t of s.values()) addTo(cur, -e * t.c, t.atoms);
  }
  if ([...cur.values()].some((t) => t.atoms.length > 0)) return undefined;
  return -(cur.get("")?.c ?? 0);
}
