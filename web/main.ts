// The playground page: the editor, the compile worker's results (diagnostics, totals,
// the summary table, the parameter controls), the bundled-network picker, the share
// link, and "run", whose code (TensorFlow.js) is loaded only when it is pressed.
import { WorkerClient, type Outcome } from "./compile-client.js";
import { MAX_TEXT, type CompileRequest, type CompileResult } from "./compile-core.js";
import type { DrawResult } from "./draw-worker.js";
import { createEditor } from "./editor.js";
import { libraryNetworks, libraryText } from "./library.js";
import { renderParams, renderRunResult, renderTotals } from "./panels.js";
import { readState, shareLink } from "./share.js";
import type { BackendChoice } from "./run.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string, bad = false) => {
  $("status").textContent = text;
  $("status").classList.toggle("bad", bad);
};

const state = readState(location);
// A share link's text, else ?net=NAME's file, else LeNet-5's.
const opened = state.text !== undefined ? undefined : state.net && libraryText(state.net) ? state.net : "lenet5";
let network = opened ?? state.network;
let set: Record<string, string> = { ...state.set };
const initial = state.text ?? libraryText(opened!) ?? "";

const client = new WorkerClient<CompileRequest, CompileResult>(new URL("compile-worker.js", document.baseURI), "compiling");
const drawer = new WorkerClient<CompileRequest, DrawResult>(new URL("draw-worker.js", document.baseURI), "drawing", 10_000);
let last: CompileResult | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let notice = state.net && !libraryText(state.net) ? `no bundled network named ${state.net}; opened lenet5` : "";

const editor = createEditor($("editor-pane"), initial, (text) => (leftLibrary(text), schedule()), MAX_TEXT, (chars) =>
  status(`paste of ${chars.toLocaleString("en-US")} characters refused: the playground compiles up to ${MAX_TEXT.toLocaleString("en-US")}`, true),
);

/** The picker shows a bundled network only while the text is that network's file. */
function leftLibrary(text: string) {
  const picker = $<HTMLSelectElement>("library");
  if (!picker.value || libraryText(picker.value) === text) return;
  picker.value = "";
  history.replaceState(null, "", location.pathname);
}

function schedule(delay = 250) {
  clearTimeout(timer);
  timer = setTimeout(compile, delay);
}

async function compile() {
  status("compiling…");
  const text = editor.text();
  const outcome: Outcome<CompileResult> = await client.request({ text, network, set });
  if (editor.text() !== text) return; // a newer compile is on its way
  document.body.dataset.compiled = String(Date.now());
  if ("stopped" in outcome) {
    status(outcome.stopped, true);
    showProblems(outcome.stopped);
    return;
  }
  const r = outcome.result;
  last = r;
  if (r.network) network = r.network; // the one compiled: the asked one, or the file's last
  editor.showDiagnostics(r.diagnostics);
  showProblems(r.rendered);
  fillNetworks(r);
  renderTotals($("totals"), r);
  renderParams($("params"), r.params, set, (name, value) => {
    if (value === undefined) delete set[name];
    else set[name] = value;
    schedule(400);
  });
  $("summary").textContent = r.table ?? "";
  const errors = r.diagnostics.filter((d) => d.severity === "error").length;
  status(errors ? `${errors} error${errors === 1 ? "" : "s"}` : `compiled ${r.network} in ${Math.round(outcome.ms)} ms`, errors > 0);
  if (notice) status(notice, true);
  notice = "";
  if (r.table) draw(text);
}

/** The picture of what compiled, as `netc draw` draws it (tools/draw, in its own worker). */
async function draw(text: string) {
  const box = $("picture");
  box.dataset.state = "drawing";
  const depth = Number($<HTMLSelectElement>("depth").value);
  const outcome = await drawer.request({ text, network, set, depth });
  if (editor.text() !== text) return;
  const note = $("picture-note");
  if ("stopped" in outcome || !outcome.result.svg) {
    note.textContent = "stopped" in outcome ? outcome.stopped : (outcome.result.why ?? "");
    box.dataset.state = "none";
    return;
  }
  const img = $<HTMLImageElement>("picture-img");
  if (img.src) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(new Blob([outcome.result.svg], { type: "image/svg+xml" })); // an image: no script runs
  note.textContent = `drawn in ${Math.round(outcome.ms)} ms (netc draw --depth ${depth})`;
  box.dataset.state = "drawn";
}

function showProblems(text: string) {
  $("problems").hidden = !text;
  $("diagnostics").textContent = text;
}

function fillNetworks(r: CompileResult) {
  const select = $<HTMLSelectElement>("network");
  if (select.dataset.list !== r.networks.join(",")) {
    select.replaceChildren(...r.networks.map((n) => new Option(n, n)));
    select.dataset.list = r.networks.join(",");
  }
  if (r.network) select.value = r.network;
}

$<HTMLSelectElement>("network").addEventListener("change", (e) => {
  network = (e.target as HTMLSelectElement).value;
  set = {};
  schedule(0);
});

const picker = $<HTMLSelectElement>("library");
for (const n of libraryNetworks()) picker.add(new Option(`${n.name}  (${n.file})`, n.name));
if (opened) picker.value = opened;
picker.addEventListener("change", () => {
  const name = picker.value;
  const text = name && libraryText(name);
  if (!text) return;
  network = name;
  set = {};
  history.replaceState(null, "", `?net=${encodeURIComponent(name)}`);
  editor.setText(text);
  schedule(0);
});

$("share").addEventListener("click", async () => {
  const link = shareLink(location.href, { text: editor.text(), network, set });
  history.replaceState(null, "", link);
  try {
    await navigator.clipboard.writeText(link);
    status("share link copied (the text is in the link's fragment)");
  } catch {
    status("share link in the address bar (the text is in its fragment)");
  }
});

$("run").addEventListener("click", async () => {
  const info = $("run-info");
  const image = $<HTMLInputElement>("image-file").files?.[0];
  const weights = $<HTMLInputElement>("weights-file").files?.[0];
  info.classList.remove("bad");
  if (!image) {
    info.textContent = "choose an image (PNG or JPEG) first";
    info.classList.add("bad");
    return;
  }
  if (!last?.table) {
    info.textContent = "the network must compile first";
    info.classList.add("bad");
    return;
  }
  const button = $<HTMLButtonElement>("run");
  button.disabled = true;
  info.textContent = "loading the runtime…";
  try {
    const rt = await import("./run.js");
    info.textContent = "running…";
    const pixels = await rt.decodeImage(image);
    const result = await rt.runNetwork({
      text: editor.text(),
      network: last.network,
      set,
      backend: $<HTMLSelectElement>("backend").value as BackendChoice,
      weights: weights && { name: weights.name, bytes: new Uint8Array(await weights.arrayBuffer()) },
      image: { name: image.name, pixels },
    });
    renderRunResult(info, $("top5"), result);
  } catch (e) {
    info.textContent = `run failed: ${(e as Error).message}`;
    info.classList.add("bad");
    $("top5").replaceChildren();
  } finally {
    button.disabled = false;
  }
});

$("depth").addEventListener("change", () => last?.table && draw(editor.text()));
$("weights-file").addEventListener("change", (e) => {
  $("weights-hint").hidden = !!(e.target as HTMLInputElement).files?.length;
});

compile();
