// Where the printer puts comments. They are not in the AST's tree: each is placed from
// its offset in the source, own-line comments before what follows them, end-of-line
// comments after what precedes them on that line, blank lines kept where the source
// had them. The printer (printer.ts) extends this.
import { builders } from "prettier/doc";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/diagnostics.js";

type Doc = builders.Doc;
const { hardline } = builders;

export class CommentPlacer {
  private readonly printed: boolean[];
  private first = 0; // every comment before this one is printed

  constructor(
    protected readonly ast: A.Program,
    protected readonly text: string,
  ) {
    this.printed = ast.comments.map(() => false);
  }

  protected get comments() {
    return this.ast.comments;
  }

  /**
   * The comments not printed yet that satisfy `which`, in order; they count as printed.
   * `before` bounds their start when `which` implies one: the scan starts at the first
   * comment not printed and stops there, so formatting stays linear in the comments.
   */
  protected take(which: (c: A.Comment) => boolean, before = Infinity): A.Comment[] {
    const out: A.Comment[] = [];
    while (this.first < this.comments.length && this.printed[this.first]) this.first++;
    for (let i = this.first; i < this.comments.length && this.comments[i].span.start < before; i++) {
      const c = this.comments[i];
      if (!this.printed[i] && which(c)) {
        this.printed[i] = true;
        out.push(c);
      }
    }
    return out;
  }

  /** Comments on lines of their own, keeping a blank line where the source had one. */
  protected ownLines(cs: A.Comment[], before?: number): Doc {
    if (!cs.length) return "";
    const parts: Doc[] = [];
    cs.forEach((c, i) => {
      if (i > 0 && this.blankBefore(c.span.start, cs[i - 1].span.end)) parts.push(hardline);
      parts.push(c.text.trimEnd(), hardline);
    });
    if (before !== undefined && this.blankBefore(before, cs[cs.length - 1].span.end)) parts.push(hardline);
    return parts;
  }

  /** An end-of-line comment right after `offset`, on the same line. */
  protected trailing(offset: number, limit = Infinity): Doc {
    const eol = this.text.indexOf("\n", offset);
    const [c] = this.take((c) => c.span.start >= offset && c.span.start < limit && this.sameLine(offset, c.span.start), eol < 0 ? limit : Math.min(limit, eol));
    return c ? [" ", c.text.trimEnd()] : "";
  }

  protected sameLine(a: number, b: number): boolean {
    return !this.text.slice(a, b).includes("\n");
  }

  /** Whether the source has an empty line just before `offset` (after `from`, if given). */
  protected blankBefore(offset: number, from = 0): boolean {
    // /\n[ \t\r]*\n[ \t\r]*$/ on text[from, offset), scanned backwards from offset (not from 0)
    let i = offset;
    for (let newlines = 0; newlines < 2; newlines++) {
      while (i > from && " \t\r".includes(this.text[i - 1])) i--;
      if (i <= from || this.text[i - 1] !== "\n") return false;
      i--;
    }
    return true;
  }

  protected hasComment(span: Span): boolean {
    for (let i = this.first; i < this.comments.length && this.comments[i].span.start < span.end; i++)
      if (!this.printed[i] && this.comments[i].span.start >= span.start) return true;
    return false;
  }
}
