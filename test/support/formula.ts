// Reads a size formula as netc prints it (summary, --json, errors) with Python's grammar:
// integers, names, parentheses, unary minus binding tighter than * and // (so -H//4 is
// (-H)//4), * and // left to right, then + and -. An independent reading of the printed
// text: the printer's output must evaluate to the polynomial's value.

export function evalFormula(text: string, env: Readonly<Record<string, number>>): number {
  const tokens = text.match(/\d+|[A-Za-z_][A-Za-z0-9_]*|\/\/|[-+*()]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (t?: string) => {
    const x = tokens[i++];
    if (t !== undefined && x !== t) throw new Error(`expected ${t} at token ${i - 1} of ${text}, got ${x}`);
    return x;
  };
  const atom = (): number => {
    const t = take();
    if (t === "(") {
      const v = sum();
      take(")");
      return v;
    }
    if (t === "-") return -atom();
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t) && t in env) return env[t];
    throw new Error(`unexpected ${t} in ${text}`);
  };
  const product = (): number => {
    let v = atom();
    while (peek() === "*" || peek() === "//") v = take() === "*" ? v * atom() : Math.floor(v / atom());
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === "+" || peek() === "-") v = take() === "+" ? v + product() : v - product();
    return v;
  };
  const v = sum();
  if (i !== tokens.length) throw new Error(`trailing ${tokens[i]} in ${text}`);
  return v;
}

/** The factors of the top-level product (a leading minus dropped); one when the text is a sum. */
export function topFactors(text: string): string[] {
  const s = text.startsWith("-") ? text.slice(1) : text;
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0 && (ch === "+" || (ch === "-" && i > 0))) return [text];
    else if (depth === 0 && ch === "*") {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  return [...out, s.slice(start)];
}
