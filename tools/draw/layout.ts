// Layout: DOT to SVG with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz),
// the same code in Node and in a browser (the wasm is inlined in the package: nothing
// is fetched). Graphviz loads once per process, on the first drawing.
import type { Graphviz } from "@hpcc-js/wasm-graphviz";

let graphviz: Promise<Graphviz> | undefined; // the loaded module, shared: loading costs ~100 ms

/** Graphviz, loaded on first use. */
export function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load());
  return graphviz;
}

/** DOT laid out by Graphviz's `dot` as an SVG document. */
export async function layoutSvg(dot: string): Promise<string> {
  return (await loadGraphviz()).dot(dot, "svg");
}
