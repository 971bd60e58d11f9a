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

  constructor(
    protected readonly ast: A.Program,
    protected readonly text: string,
  ) {
    this.printed = ast.comments.map(() => false);
  }

  protected get comments() {
    return this.ast.comments;
  }

  /** The comments not printed yet that satisfy `which`, in order; they count as printed. */
  protected take(which: (c: A.Comment) => boolean): A.Comment[] {
    const out: A.Comment[] = [];
    this.comments.forEach((c, i) => {
      if (!this.printed[i] && which(c)) {
        this.printed[i] = true;
        out.push(c);
      }
    });
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
    const [c] = this.take((c) => c.span.start >= offset && c.span.start < limit && this.sameLine(offset, c.span.start));
    return c ? [" ", c.text.trimEnd()] : "";
  }

  protected sameLine(a: number, b: number): boolean {
    return !this.text.slice(a, b).includes("\n");
  }

  /** Whether the source has an empty line just before `offset` (after `from`, if given). */
  protected blankBefore(offset: number, from = 0): boolean {
    return /\n[ \t\r]*\n[ \t\r]*$/.test(this.text.slice(from, offset));
  }

  protected hasComment(span: Span): boolean {
    return this.comments.some((c, i) => !this.printed[i] && c.span.start >= span.start && c.span.start < span.end);
  }
}
