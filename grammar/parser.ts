// The Chevrotain parser: text tokens to a concrete syntax tree. One instance is built
// once and reused. Error recovery is on, so one run reports every syntax error it can.
// Declarations and statements are here; expressions and arguments in
// expression-parser.ts, the grammar this one extends (Chevrotain's grammar inheritance).
import type { CstNode, IToken } from "./chevrotain.js";
import { ExpressionParser } from "./expression-parser.js";
import * as T from "./tokens.js";

class NetParser extends ExpressionParser {
  constructor() {
    super();
    this.performSelfAnalysis();
  }

  // ---- top level -------------------------------------------------------------
  program = this.RULE("program", () => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.separator) },
        { ALT: () => this.SUBRULE(this.importDecl, { LABEL: "item" }) },
        { ALT: () => this.SUBRULE(this.blockDecl, { LABEL: "item" }) },
        { ALT: () => this.SUBRULE(this.networkDecl, { LABEL: "item" }) },
      ]),
    );
  });

  separator = this.RULE("separator", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Newline) }, { ALT: () => this.CONSUME(T.Semicolon) }]);
  });

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
  });

  blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.paramList);
    this.SUBRULE(this.body);
  });

  networkDecl = this.RULE("networkDecl", () => {
    this.CONSUME(T.Network);
    this.CONSUME(T.Identifier);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          this.CONSUME2(T.Identifier, { LABEL: "base" });
          this.CONSUME(T.LParen);
          this.OPTION(() => this.SUBRULE(this.argList));
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.OPTION2(() => this.SUBRULE(this.paramList));
          this.SUBRULE(this.body);
        },
      },
    ]);
  });

  paramList = this.RULE("paramList", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
  });

  param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
  });

  // ---- statements ------------------------------------------------------------
  body = this.RULE("body", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.separator));
    this.OPTION(() => {
      this.SUBRULE(this.statement);
      this.MANY2(() => {
        this.AT_LEAST_ONE(() => this.SUBRULE2(this.separator));
        this.OPTION2(() => this.SUBRULE2(this.statement));
      });
    });
    this.CONSUME(T.RBrace);
  });

  statement = this.RULE("statement", () => {
    this.OPTION(() => this.SUBRULE(this.label));
    this.OR([
      { ALT: () => this.SUBRULE(this.letStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.inputStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.callStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.body, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.repeatStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.forStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.ifStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.residualStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.combineStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.fromStmt, { LABEL: "stmt" }) },
      { ALT: () => this.SUBRULE(this.headStmt, { LABEL: "stmt" }) },
    ]);
  });

  label = this.RULE("label", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Integer) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]);
    this.CONSUME(T.Colon);
  });

  letStmt = this.RULE("letStmt", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  inputStmt = this.RULE("inputStmt", () => {
    this.CONSUME(T.Input);
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Identifier);
    });
  });

  callStmt = this.RULE("callStmt", () => {
    this.CONSUME(T.Identifier);
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.OPTION(() => this.SUBRULE(this.argList));
            this.CONSUME(T.RParen);
          },
        },
        { ALT: () => this.OPTION2(() => this.SUBRULE2(this.argList)) },
      ],
    });
  });

  repeatStmt = this.RULE("repeatStmt", () => {
    this.CONSUME(T.Repeat);
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Identifier);
    });
    this.SUBRULE(this.body);
  });

  forStmt = this.RULE("forStmt", () => {
    this.CONSUME(T.For);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.In);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.body);
  });

  ifStmt = this.RULE("ifStmt", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.body);
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([{ ALT: () => this.SUBRULE(this.ifStmt) }, { ALT: () => this.SUBRULE2(this.body) }]);
    });
  });

  residualStmt = this.RULE("residualStmt", () => {
    this.CONSUME(T.Residual);
    this.OPTION(() => this.SUBRULE(this.whenClause));
    this.SUBRULE(this.body);
    this.OPTION2(() => this.SUBRULE(this.shortcutClause));
  });

  shortcutClause = this.RULE("shortcutClause", () => {
    this.CONSUME(T.Shortcut);
    this.OPTION(() => this.CONSUME(T.Identifier));
    this.OPTION2(() => this.SUBRULE(this.whenClause));
    this.SUBRULE(this.body);
  });

  whenClause = this.RULE("whenClause", () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
  });

  combineStmt = this.RULE("combineStmt", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Concat) },
      { ALT: () => this.CONSUME(T.Add) },
      { ALT: () => this.CONSUME(T.Mul) },
    ]);
    this.SUBRULE(this.body);
  });

  fromStmt = this.RULE("fromStmt", () => {
    this.CONSUME(T.From);
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Input) }]);
    this.OPTION(() => this.SUBRULE(this.body));
  });

  headStmt = this.RULE("headStmt", () => {
    this.CONSUME(T.Head);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.whenClause));
    this.SUBRULE(this.body);
  });
}

export const parser = new NetParser();

export function parseTokens(tokens: IToken[]): CstNode {
  parser.input = tokens;
  return parser.program();
}
