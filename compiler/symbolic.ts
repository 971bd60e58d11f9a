// Symbolic sizes: polynomials over size names (H, W) and floor divisions of them, kept in
// a canonical form so that two sizes that are equal print, and compare, the same.
// `floor((floor(e/a) + c)/b) = floor((e + c*a)/(a*b))` keeps nested poolings compact:
// a ResNet stem on H gives (H+3)//4, not ((H+1)//2+1)//2.
// A size carries its atoms (names and floor divisions) itself: there is no registry of
// them to grow with every compilation of a long-running process (an editor server).

import { factoredText } from "./factor.js";

export type Dim = number | Sym;

interface Atom {
  key: string;
  name?: string; // a size name
  num?: Sym; // or a floor division num // den
  den?: number;
}

interface Term {
  c: number;
  atoms: Atom[]; // sorted by key; repeated for powers; [] for the constant
}

const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
const byKey = (a: Atom, b: Atom) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const termKey = (t: Term) => t.atoms.map((a) => a.key).join("*");

export class Sym {
  private constructor(readonly terms: readonly Term[]) {}

  static variable(name: string): Sym {
    return new Sym([{ c: 1, atoms: [{ key: name, name }] }]);
  }

  /** Builds a canonical polynomial; returns a plain number when it is constant. */
  static of(terms: Term[]): Dim {
    const merged = new Map<string, Term>();
    for (const t of terms) {
      const key = termKey(t);
      const m = merged.get(key);
      if (m) m.c += t.c;
      else merged.set(key, { c: t.c, atoms: t.atoms });
    }
    const out = [...merged.entries()]
      .filter(([, t]) => t.c !== 0)
      .sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a < b ? -1 : a > b ? 1 : 0))
      .map(([, t]) => t);
    if (out.length === 0) return 0;
    if (out.length === 1 && out[0].atoms.length === 0) return out[0].c;
    return new Sym(out);
  }

  // Both texts are computed once (a size is immutable), in private fields that comparisons
  // of sizes as objects (toEqual, structuredClone) do not see.
  #key?: string;
  #text?: string;

  /** The expanded canonical text: the identity of a size (equal sizes, equal keys). */
  canonical(): string {
    return (this.#key ??= printPoly(this.terms));
  }

  /** The text shown to people: the factored form (compiler/factor.ts). */
  toString(): string {
    return (this.#text ??= factoredText(this.terms));
  }
}

function termsOf(d: Dim): Term[] {
  return typeof d === "number" ? [{ c: d, atoms: [] }] : d.terms.map((t) => ({ c: t.c, atoms: t.atoms }));
}

export const isSym = (d: unknown): d is Sym => d instanceof Sym;

export function add(a: Dim, b: Dim): Dim {
  if (typeof a === "number" && typeof b === "number") return a + b;
  return Sym.of([...termsOf(a), ...termsOf(b)]);
}

export function scale(a: Dim, k: number): Dim {
  if (typeof a === "number") return a * k;
  return Sym.of(termsOf(a).map((t) => ({ c: t.c * k, atoms: t.atoms })));
}

export function sub(a: Dim, b: Dim): Dim {
  return add(a, scale(b, -1));
}

export function mul(a: Dim, b: Dim): Dim {
  if (typeof a === "number" && typeof b === "number") return a * b;
  if (typeof a === "number") return scale(b, a);
  if (typeof b === "number") return scale(a, b);
  const out: Term[] = [];
  for (const x of a.terms)
    for (const y of b.terms) out.push({ c: x.c * y.c, atoms: [...x.atoms, ...y.atoms].sort(byKey) });
  return Sym.of(out);
}

/** floor(a / k) for a positive integer k. */
export function floorDiv(a: Dim, k: number): Dim {
  if (typeof a === "number") return Math.floor(a / k);
  if (k === 1) return a;
  const terms = termsOf(a);
  const c0 = terms.find((t) => t.atoms.length === 0)?.c ?? 0;
  const rest = terms.filter((t) => t.atoms.length > 0);
  const divisible = rest.filter((t) => t.c % k === 0).map((t) => ({ c: t.c / k, atoms: t.atoms }));
  const other = rest.filter((t) => t.c % k !== 0);
  const q = Math.floor(c0 / k);
  const r = c0 - q * k;
  const whole = Sym.of([...divisible, { c: q, atoms: [] }]);
  if (other.length === 0) return whole; // floor(r/k) = 0 since 0 <= r < k
  // floor((floor(e/a) + r) / k) = floor((e + r*a) / (a*k))
  if (other.length === 1 && other[0].c === 1 && other[0].atoms.length === 1) {
    const atom = other[0].atoms[0];
    if (atom.num !== undefined && atom.den !== undefined) {
      return add(whole, floorDiv(add(atom.num, r * atom.den), atom.den * k));
    }
  }
  // floor(g*x / (g*k)) = floor(x / k): (2*H + 2)//4 is (H + 1)//2
  const g = [...other.map((t) => t.c), r].reduce(gcd, k);
  if (g > 1) return add(whole, floorDiv(Sym.of([...other, { c: r, atoms: [] }].map((t) => ({ c: t.c / g, atoms: t.atoms }))), k / g));
  const num = Sym.of([...other, { c: r, atoms: [] }]);
  const atom: Atom = { key: `(${(num as Sym).canonical()})//${k}`, num: num as Sym, den: k };
  return add(whole, Sym.of([{ c: 1, atoms: [atom] }]));
}

/** ceil(a / k) for a positive integer k. */
export function ceilDiv(a: Dim, k: number): Dim {
  return floorDiv(add(a, k - 1), k);
}

export function dimEquals(a: Dim, b: Dim): boolean {
  return (typeof a === "number" ? String(a) : a.canonical()) === (typeof b === "number" ? String(b) : b.canonical());
}

/** The value of a size once its names are given numbers. */
export function evaluate(d: Dim, env: Readonly<Record<string, number>>): number {
  if (typeof d === "number") return d;
  let total = 0;
  for (const t of d.terms) {
    let v = t.c;
    for (const a of t.atoms) v *= evalAtom(a, env);
    total += v;
  }
  return total;
}

function evalAtom(a: Atom, env: Readonly<Record<string, number>>): number {
  if (a.name !== undefined) {
    const v = env[a.name];
    if (v === undefined) throw new Error(`no value for size ${a.name}`);
    return v;
  }
  return Math.floor(evaluate(a.num!, env) / a.den!);
}

/** The size names a dimension depends on. */
export function names(d: Dim): string[] {
  if (typeof d === "number") return [];
  const out = new Set<string>();
  for (const t of d.terms)
    for (const a of t.atoms) {
      if (a.name !== undefined) out.add(a.name);
      else for (const n of names(a.num!)) out.add(n);
    }
  return [...out].sort();
}

function printPoly(terms: readonly Term[]): string {
  let s = "";
  for (const t of terms) {
    const mag = Math.abs(t.c);
    const wrap = t.atoms.length > 1 || mag !== 1;
    const shown = t.atoms.map(({ key: k }) => (wrap && k.includes("//") ? `(${k})` : k));
    const body = t.atoms.length === 0 ? String(mag) : (mag === 1 ? "" : `${mag}*`) + shown.join("*");
    if (s === "") s = t.c < 0 ? `-${body}` : body;
    else s += t.c < 0 ? ` - ${body}` : ` + ${body}`;
  }
  return s.replace(/\(([A-Za-z_][A-Za-z0-9_]*)\)\/\//g, "$1//");
}

export function formatDim(d: Dim): string {
  const s = String(d);
  return typeof d === "number" || /^[A-Za-z0-9_]+$/.test(s) || /^\([^()]*\)\/\/\d+$/.test(s) ? s : `(${s})`;
}
