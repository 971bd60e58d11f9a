// The playground's editor: CodeMirror 6 with .net highlighting (a stream tokenizer:
// comments, keywords, numbers and sizes like 3x3, strings, labels before a colon) and
// the compiler's diagnostics as lint marks (underlines, with the message on hover).
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { bracketMatching, HighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import type { PageDiagnostic } from "./compile-core.js";

const KEYWORDS = new Set(["network", "block", "import", "let", "input", "repeat", "as", "for", "in", "if", "else", "residual", "shortcut", "when", "concat", "add", "mul", "from", "head", "and", "or", "not"]);
const ATOMS = new Set(["true", "false", "in"]);

const netLanguage = StreamLanguage.define<{ afterDecl: boolean }>({
  name: "netc",
  startState: () => ({ afterDecl: false }),
  token(stream, state) {
    if (stream.eatSpace()) return null;
    if (stream.match("#")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return "string";
    if (stream.match(/^[0-9][0-9_.eE]*(?:x[0-9A-Za-z_]+)*/)) return "number";
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (word) {
      const w = word[0];
      if (state.afterDecl) {
        state.afterDecl = false;
        return "def";
      }
      if (w === "network" || w === "block") {
        state.afterDecl = true;
        return "keyword";
      }
      if (KEYWORDS.has(w)) return "keyword";
      if (ATOMS.has(w)) return "atom";
      if (stream.match(/^\s*:(?!=)/, false)) return "labelName";
      return "variableName";
    }
    stream.next();
    return "punctuation";
  },
  languageData: { commentTokens: { line: "#" } },
});

const style = HighlightStyle.define([
  { tag: tags.comment, color: "#6a737d", fontStyle: "italic" },
  { tag: tags.keyword, color: "#a626a4", fontWeight: "600" },
  { tag: tags.number, color: "#b76b01" },
  { tag: tags.string, color: "#50a14f" },
  { tag: tags.atom, color: "#0184bc" },
  { tag: [tags.definition(tags.variableName), tags.function(tags.variableName)], color: "#4078f2", fontWeight: "600" },
  { tag: tags.labelName, color: "#c18401" },
]);

export interface Editor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
  showDiagnostics(diags: PageDiagnostic[]): void;
}

/**
 * An editor in `parent`; `onChange` gets each new text. `onRefused` is told of a paste
 * longer than `maxPaste` characters, which is dropped (a 100 MB paste would freeze the page).
 */
export function createEditor(parent: HTMLElement, text: string, onChange: (text: string) => void, maxPaste: number, onRefused: (chars: number) => void): Editor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        history(),
        highlightActiveLine(),
        bracketMatching(),
        netLanguage,
        syntaxHighlighting(style),
        lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.domEventHandlers({
          paste(event) {
            const pasted = event.clipboardData?.getData("text/plain") ?? "";
            if (pasted.length <= maxPaste) return false;
            event.preventDefault();
            onRefused(pasted.length);
            return true;
          },
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(t) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } });
    },
    showDiagnostics(diags) {
      const n = view.state.doc.length;
      const marks: Diagnostic[] = diags.map((d) => {
        const from = Math.min(d.from, n);
        let to = Math.min(d.to, n);
        if (to <= from && from < n) to = from + 1;
        return { from, to, severity: d.severity, message: d.line ? d.message : `${d.message} (not at a place in this text)`, source: "netc" };
      });
      view.dispatch(setDiagnostics(view.state, marks));
    },
  };
}
