// The bundled networks (networks/*.net), as the page sees them: each network's name and
// the file that declares it, found as `netc list` finds them (by declaration, no parse).
import LIBRARY from "netc:library";

export interface LibraryNetwork {
  name: string;
  file: string;
}

export const libraryFiles: Record<string, string> = LIBRARY;

export function libraryNetworks(): LibraryNetwork[] {
  const out: LibraryNetwork[] = [];
  for (const [file, text] of Object.entries(libraryFiles))
    for (const m of text.matchAll(/^\s*network\s+([A-Za-z_][A-Za-z0-9_]*)/gm)) out.push({ name: m[1], file });
  return out;
}

/** The text of the file that declares `name`, or undefined. */
export function libraryText(name: string): string | undefined {
  const n = libraryNetworks().find((x) => x.name === name);
  return n && libraryFiles[n.file];
}
