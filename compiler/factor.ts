// Prints a canonical polynomial over size atoms (names like H, floor divisions like
// (H + 3)//4, both opaque here) in factored form: the integer content, the atoms that
// divide every term, the linear factors `d*a + e` (found by the rational-root test on each
// atom, with the other atoms' polynomials as coefficients, then checked by exact division),
// and what is left as a sum ordered by resolution (H before H//2 before H//4, constant last).
// lenet5's flatten size `16*(H//4)*(W//4) - 48*(H//4) - 48*(W//4) + 144` prints as
// `16*(H//4 - 3)*(W//4 - 3)`. The text is a function of the canonical terms only, so equal
// sizes print the same; it evaluates (with Python's // and precedence) to the same value.

import { addTo, byKey, coefficientsIn, constantRemainder, contentOf, count, linearFactor, mapCoeffs, polyOf, type FAtom, type FTerm, type Linear, type Poly } from "./polynomial.js";

export type { FAtom, FTerm } from "./polynomial.js";

/** Resolution order: a name, then its floor divisions by growing divisor. */
function atomRank(a: FAtom): [number, string] {
  if (a.name !== undefined) return [1, a.name];
  const inner = /^\(*([A-Za-z_][A-Za-z0-9_]*)/.exec(a.key); // the key is the canonical (expanded) text
  return [a.den ?? 1, inner ? inner[1] : a.key];
}
function compareAtoms(a: FAtom, b: FAtom): number {
  const [x, y] = [atomRank(a), atomRank(b)];
  return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || byKey(a, b);
}
const withinTerm = (a: FAtom, b: FAtom) => {
  const [x, y] = [atomRank(a), atomRank(b)];
  return (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[0] - y[0] || byKey(a, b);
};
function compareTerms(s: { atoms: FAtom[] }, t: { atoms: FAtom[] }): number {
  if (s.atoms.length !== t.atoms.length) return t.atoms.length - s.atoms.length;
  const [x, y] = [[...s.atoms].sort(compareAtoms), [...t.atoms].sort(compareAtoms)];
  for (let i = 0; i < x.length; i++) {
    const c = compareAtoms(x[i], y[i]);
    if (c) return c;
  }
  return 0;
}

function atomText(a: FAtom, inProduct: boolean): string {
  if (a.name !== undefined) return a.name;
  const num = String(a.num);
  const s = /^[A-Za-z_][A-Za-z0-9_]*$/.test(num) ? `${num}//${a.den}` : `(${num})//${a.den}`;
  return inProduct ? `(${s})` : s;
}

function sumText(p: Poly): string {
  let s = "";
  for (const t of [...p.values()].sort(compareTerms)) {
    const mag = Math.abs(t.c);
    const atoms = [...t.atoms].sort(withinTerm);
    const wrap = atoms.length > 1 || mag !== 1 || (s === "" && t.c < 0); // -(H//4), not (-H)//4
    const body = atoms.length === 0 ? String(mag) : (mag === 1 ? "" : `${mag}*`) + atoms.map((a) => atomText(a, wrap)).join("*");
    if (s === "") s = t.c < 0 ? `-${body}` : body;
    else s += t.c < 0 ? ` - ${body}` : ` + ${body}`;
  }
  return s;
}

/** The factored text of a non-constant canonical polynomial. */
export function factoredText(terms: readonly FTerm[]): string {
  return polyText(polyOf(terms), 0);
}

const MAX_DEPTH = 6; // nested completions (each on a smaller polynomial) stop here

function polyText(poly: Poly, depth: number): string {
  let p = poly;
  let content = contentOf(p);
  p = mapCoeffs(p, (c) => c / content);
  const monomials: FAtom[] = [];
  const atoms = new Map<string, FAtom>();
  for (const t of p.values()) for (const a of t.atoms) atoms.set(a.key, a);
  for (const a of atoms.values()) {
    const k = Math.min(...[...p.values()].map((t) => count(t.atoms, a)));
    if (k === 0) continue;
    for (let i = 0; i < k; i++) monomials.push(a);
    const q: Poly = new Map();
    for (const t of p.values()) {
      const rest = [...t.atoms];
      rest.splice(rest.findIndex((x) => x.key === a.key), k);
      addTo(q, t.c, rest);
    }
    p = q;
  }
  const linears: Linear[] = [];
  const order = [...atoms.values()].sort(compareAtoms);
  // a primitive polynomial of degree 1 (a shape's H//4 - 3) has no factor: no search
  const linear = [...p.values()].every((t) => t.atoms.length <= 1);
  for (let found = linear ? undefined : linearFactor(p, order); found; found = linearFactor(p, order)) {
    linears.push(found[0]);
    p = found[1];
  }
  const lead = [...p.values()].sort(compareTerms)[0];
  if (lead.c < 0) [p, content] = [mapCoeffs(p, (c) => -c), -content];
  if (p.size === 1 && lead.atoms.length === 0) [p, content] = [new Map(), content * Math.abs(lead.c)];

  const sum = p.size === 0 ? "" : linear ? sumText(p) : groupedText(p, depth);
  const factors = [
    ...monomials.sort(compareAtoms).map((a) => atomText(a, true)),
    ...linears
      .sort((x, y) => compareAtoms(x.a, y.a) || x.d - y.d || x.e - y.e)
      .map((l) => `(${sumText(polyOf([{ c: l.d, atoms: [l.a] }, { c: l.e, atoms: [] }]))})`),
    ...(sum ? [`(${sum})`] : []),
  ];
  const sign = content < 0 ? "-" : "";
  const mag = Math.abs(content);
  if (factors.length === 1 && mag === 1) {
    if (sum) return sign === "" ? sum : `-(${sum})`;
    if (sign) return `-${factors[0]}`; // -(H//4), -(H - 3)
    return monomials.length ? atomText(monomials[0], false) : factors[0].slice(1, -1);
  }
  return sign + [...(mag === 1 ? [] : [String(mag)]), ...factors].join("*");
}

/** A term's resolution: the divisors of its floor-division atoms. */
const levelOf = (atoms: readonly FAtom[]) => [...new Set(atoms.map((a) => atomRank(a)[0]))].sort((x, y) => x - y).join(",");

/**
 * A sum that does not factor, as a sum of products: its terms grouped by resolution, each
 * group completed by the constant that makes it a product (`H*W - 4*H - 4*W` + 16 is
 * `(H - 4)*(W - 4)`), the constants' balance last.
 */
function groupedText(p: Poly, depth: number): string {
  const groups = new Map<string, Poly>();
  let constant = 0;
  for (const t of [...p.values()].sort(compareTerms)) {
    if (t.atoms.length === 0) constant += t.c;
    else {
      const level = levelOf(t.atoms);
      if (!groups.has(level)) groups.set(level, new Map());
      addTo(groups.get(level)!, t.c, t.atoms);
    }
  }
  const pieces: string[] = [];
  let completed = false;
  for (const g of groups.values()) {
    const k = g.size > 1 && depth < MAX_DEPTH ? completion(g) : undefined;
    if (k === undefined) pieces.push(sumText(g));
    else {
      addTo(g, k, []);
      constant -= k;
      completed = true;
      pieces.push(polyText(g, depth + 1));
    }
  }
  if (!completed) return sumText(p);
  if (constant !== 0) pieces.push(String(constant));
  return pieces.reduce((s, x) => (s === "" ? x : x.startsWith("-") ? `${s} - ${x.slice(1)}` : `${s} + ${x}`), "");
}

/** The constant k that makes g + k divisible by some a + e (a root guessed from the two top coefficients). */
function completion(g: Poly): number | undefined {
  const content = contentOf(g);
  const p = mapCoeffs(g, (c) => c / content);
  const atoms = new Map<string, FAtom>();
  for (const t of p.values()) for (const a of t.atoms) atoms.set(a.key, a);
  for (const a of [...atoms.values()].sort(compareAtoms)) {
    const q = coefficientsIn(p, a);
    const n = q.length - 1;
    if (n === 0) continue;
    for (const [m, top] of q[n]) {
      const next = q[n - 1].get(m);
      if (!next) continue;
      for (let j = n; j >= 1; j--) {
        const e = next.c / (j * top.c);
        if (!Number.isInteger(e) || e === 0) continue;
        const k = constantRemainder(p, a, e);
        if (k !== undefined) return k * content;
      }
    }
  }
  return undefined;
}
