// The page's state in its address: `?net=NAME` opens a bundled network; a share link
// carries the text itself (and the network and --set values) in the fragment, which
// browsers never send to the server: #network=resnet18&set.classes=10&text=...
export interface PageState {
  text?: string;
  network?: string;
  set: Record<string, string>;
}

export function readState(location: { search: string; hash: string }): PageState & { net?: string } {
  const query = new URLSearchParams(location.search);
  const frag = new URLSearchParams(location.hash.replace(/^#/, ""));
  const set: Record<string, string> = {};
  for (const [k, v] of frag) if (k.startsWith("set.")) set[k.slice(4)] = v;
  return { net: query.get("net") ?? undefined, text: frag.get("text") ?? undefined, network: frag.get("network") ?? undefined, set };
}

export function shareLink(base: string, state: PageState): string {
  const frag = new URLSearchParams();
  if (state.network) frag.set("network", state.network);
  for (const [k, v] of Object.entries(state.set)) frag.set(`set.${k}`, v);
  frag.set("text", state.text ?? "");
  const url = new URL(base);
  url.search = "";
  url.hash = frag.toString();
  return url.href;
}
