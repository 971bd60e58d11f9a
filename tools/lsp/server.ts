// The language server: LSP over two streams (stdin and stdout for `netc lsp`). Each
// change of a document is checked as `netc check` checks the file, with the other open
// documents standing in for their files; the latest check of each document answers
// hovers, definitions, completions and inlay hints.
import { fileURLToPath } from "node:url";
import type { Readable, Writable } from "node:stream";
import { createConnection, StreamMessageReader, StreamMessageWriter, TextDocuments, TextDocumentSyncKind, type Connection } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyze, ParseMemo, samePath, type Analysis } from "./analysis.js";
import { complete } from "./completion.js";
import { toLsp } from "./convert.js";
import { definition, hover, inlayHints } from "./features.js";

export const pathOf = (uri: string) => (uri.startsWith("file:") ? fileURLToPath(uri) : uri);

/** The open documents and their latest checks. */
export class Session {
  readonly documents = new TextDocuments(TextDocument);
  private readonly memo = new ParseMemo();
  private readonly analyses = new Map<string, { version: number; analysis: Analysis }>();
  private readonly dirty = new Set<string>();
  private running = false;

  constructor(private readonly connection: Connection) {}

  /** The text of an open document, by the absolute path of its file. */
  readonly openText = (path: string): string | undefined => {
    for (const d of this.documents.all()) if (d.uri.startsWith("file:") && samePath(pathOf(d.uri), path)) return d.getText();
    return undefined;
  };

  /** The check of a document's current text (made now if the latest one is older). */
  async analysis(uri: string): Promise<Analysis | undefined> {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const known = this.analyses.get(uri);
    if (known && known.version === doc.version) return known.analysis;
    const analysis = await analyze(pathOf(uri), doc.getText(), this.openText, this.memo);
    if (this.documents.get(uri)?.version === doc.version) this.analyses.set(uri, { version: doc.version, analysis });
    return analysis;
  }

  /** Checks `uri` soon, then the open documents that import it; a burst of edits is checked once. */
  schedule(uri: string) {
    this.dirty.add(uri);
    if (!this.running) void this.drain();
  }

  private async drain() {
    this.running = true;
    try {
      while (this.dirty.size) {
        const uri = this.dirty.values().next().value as string;
        this.dirty.delete(uri);
        try {
          await this.publish(uri);
        } catch (e) {
          // a bug in netc: said in the editor's log, and the server goes on serving
          this.connection.console.error(`netc lsp: checking ${uri} failed: ${(e as Error).stack ?? e}`);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async publish(uri: string) {
    const doc = this.documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const a = await this.analysis(uri);
    if (!a || this.documents.get(uri)?.version !== version) return; // changed meanwhile: checked again
    await this.connection.sendDiagnostics({ uri, version, diagnostics: a.diagnostics.map((d) => toLsp(d, a)) });
    const path = pathOf(uri);
    for (const [other, known] of this.analyses)
      if (other !== uri && [...known.analysis.check.sources.keys()].some((f) => samePath(f, path))) {
        this.analyses.delete(other);
        this.dirty.add(other);
      }
  }

  forget(uri: string) {
    this.analyses.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}

/** Serves LSP on the two streams until the client says exit or closes the input. */
export function serve(input: Readable, output: Writable): Promise<void> {
  const connection = createConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const session = new Session(connection);
  const { documents } = session;
  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      completionProvider: { triggerCharacters: [" ", ","] },
      documentFormattingProvider: true,
      inlayHintProvider: true,
    },
    serverInfo: { name: "netc" },
  }));
  documents.onDidChangeContent((e) => session.schedule(e.document.uri));
  documents.onDidClose((e) => session.forget(e.document.uri));
  const at = async (uri: string, position: { line: number; character: number }) => {
    const doc = documents.get(uri);
    const a = await session.analysis(uri);
    return doc && a ? { a, offset: doc.offsetAt(position) } : undefined;
  };
  connection.onHover(async (p) => {
    const x = await at(p.textDocument.uri, p.position);
    return x ? hover(x.a, x.offset) : null;
  });
  connection.onDefinition(async (p) => {
    const x = await at(p.textDocument.uri, p.position);
    return x ? definition(x.a, x.offset) : null;
  });
  connection.onCompletion(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    return complete(await session.analysis(p.textDocument.uri), doc.getText(), doc.offsetAt(p.position));
  });
  connection.onDocumentFormatting(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    const { formatText } = await import("../../grammar/format.js");
    const r = formatText(doc.getText(), pathOf(doc.uri));
    if (r.formatted === undefined || r.formatted === doc.getText()) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: r.formatted }];
  });
  connection.languages.inlayHint.on(async (p) => {
    const a = await session.analysis(p.textDocument.uri);
    return a ? inlayHints(a, p.range.start.line, p.range.end.line) : [];
  });
  documents.listen(connection);
  return new Promise((done) => {
    connection.onExit(() => done());
    input.on("end", () => done());
    connection.listen();
  });
}
