// The page's panels, drawn from a compile's result or a run's: the totals, the
// --set-style parameter controls, the top-5 table.
import type { CompileResult, Param } from "./compile-core.js";
import type { RunResult } from "./run.js";

const el = (tag: string, props: Record<string, string> = {}, ...children: (Node | string)[]) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) e.setAttribute(k, v);
  e.append(...children);
  return e;
};
const fmt = (n: number) => n.toLocaleString("en-US");
const shape = (s?: string[]) => (s ? s.join("x") : "?");

export function renderTotals(box: HTMLElement, r: CompileResult) {
  if (!r.totals) {
    box.replaceChildren(el("div", {}, el("b", {}, "—"), el("span", {}, r.network ? `${r.network} does not compile` : "no network")));
    delete box.dataset.params;
    return;
  }
  box.dataset.params = String(r.totals.params);
  box.replaceChildren(
    el("div", {}, el("b", { id: "params-total" }, fmt(r.totals.params)), el("span", {}, "trainable parameters")),
    el("div", {}, el("b", {}, r.totals.macs.replace(/\B(?=(\d{3})+(?!\d))/g, ",")), el("span", {}, "MACs")),
    el("div", {}, el("b", {}, `${shape(r.inputShape)} → ${shape(r.outputShape)}`), el("span", {}, `${r.network}: input → output`)),
  );
}

/** One text field per network parameter, showing the value in force; `onSet` gets a changed value (undefined: back to the default). */
export function renderParams(form: HTMLElement, params: Param[], set: Record<string, string>, onSet: (name: string, value: string | undefined) => void) {
  const key = params.map((p) => `${p.name}=${p.value}`).join("\n");
  if (form.dataset.key === key) return; // keep the focus while typing
  form.dataset.key = key;
  if (!params.length) {
    form.replaceChildren(el("span", { class: "hint" }, "this network takes no parameters"));
    return;
  }
  form.replaceChildren(
    ...params.flatMap((p) => {
      const input = el("input", { name: p.name, value: set[p.name] ?? p.value, spellcheck: "false", placeholder: p.value }) as HTMLInputElement;
      input.classList.toggle("changed", p.name in set);
      input.addEventListener("input", () => {
        const v = input.value.trim();
        const changed = v !== "" && v !== p.value;
        input.classList.toggle("changed", changed);
        onSet(p.name, changed ? v : undefined);
      });
      return [el("label", { for: p.name }, p.name), input];
    }),
  );
}

export function renderRunResult(info: HTMLElement, table: HTMLElement, r: RunResult) {
  info.textContent = `${r.backend}: ${r.msPerRun.toFixed(1)} ms per run (mean of ${r.runs} after a warm-up); ${r.loaded}`;
  info.dataset.backend = r.backend;
  table.replaceChildren(
    el("tr", {}, el("th", {}, "class"), el("th", {}, "probability"), el("th", {}, "score"), el("th", {}, "label")),
    ...r.top.map((t) => el("tr", { "data-index": String(t.index) }, el("td", { class: "num" }, String(t.index)), el("td", { class: "num" }, `${(100 * t.probability).toFixed(2)}%`), el("td", { class: "num" }, t.score.toFixed(4)), el("td", {}, t.label))),
  );
}
