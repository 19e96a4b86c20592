import { CONTRACT_FUNCTIONS, type BinaryOp, type ClauseExpr, type ContractFunction, type ParsedClause } from "./ast.js";

/**
 * Recursive-descent parser for contract clauses. Precedence (loosest first) follows
 * TypeScript: `?:`, `||`, `&&`, equality, relational, additive, multiplicative, unary,
 * postfix (`.length`, `[i]`, calls). Anything else — prose, assignments, unknown calls —
 * makes the clause informal with the reason, so it is reported rather than dropped.
 */
export function parseClause(text: string): ParsedClause {
  try {
    const parser = new Parser(tokenize(text));
    const expr = parser.parseExpression();
    parser.expectEnd();
    return { kind: "formal", text, expr };
  } catch (error) {
    if (error instanceof ClauseSyntaxError) {
      return { kind: "informal", text, reason: `not in the contract language: ${error.message}` };
    }
    throw error;
  }
}

export class ClauseSyntaxError extends Error {
  constructor(message: string, readonly column: number) {
    super(`${message} at column ${column}`);
  }
}

type Token =
  | { readonly t: "num"; readonly value: number; readonly text: string; readonly col: number }
  | { readonly t: "str"; readonly value: string; readonly col: number }
  | { readonly t: "id"; readonly value: string; readonly col: number }
  | { readonly t: "op"; readonly value: string; readonly col: number }
  | { readonly t: "end"; readonly col: number };

const OPERATORS = ["===", "!==", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "!", "(", ")", ",", ".", "[", "]", "?", ":"];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const col = i + 1;
    const num = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (num && /\d/.test(ch === "." ? (text[i + 1] ?? "") : ch)) {
      const raw = num[0];
      tokens.push({ t: "num", value: Number(raw), text: raw, col });
      i += raw.length;
      if (/[A-Za-z_$]/.test(text[i] ?? "")) throw new ClauseSyntaxError("identifier directly after number", i + 1);
      continue;
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i));
    if (id) {
      tokens.push({ t: "id", value: id[0], col });
      i += id[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== ch) {
        if (text[j] === "\\") {
          const esc = text[j + 1];
          if (esc === undefined) break;
          value += esc === "n" ? "\n" : esc === "t" ? "\t" : esc === "0" ? "\0" : esc;
          j += 2;
        } else {
          value += text[j];
          j++;
        }
      }
      if (text[j] !== ch) throw new ClauseSyntaxError("unterminated string", col);
      tokens.push({ t: "str", value, col });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) throw new ClauseSyntaxError(`unexpected character '${ch}'`, col);
    tokens.push({ t: "op", value: op, col });
    i += op.length;
  }
  tokens.push({ t: "end", col: text.length + 1 });
  return tokens;
}

const EQUALITY: Readonly<Record<string, BinaryOp>> = { "==": "==", "===": "==", "!=": "!=", "!==": "!=" };
const RELATIONAL = new Set(["<", "<=", ">", ">="]);

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] ?? { t: "end", col: 0 };
  }
  private next(): Token {
    const tok = this.peek();
    this.pos++;
    return tok;
  }
  private isOp(value: string): boolean {
    const tok = this.peek();
    return tok.t === "op" && tok.value === value;
  }
  private expectOp(value: string): void {
    const tok = this.next();
    if (tok.t !== "op" || tok.value !== value) throw new ClauseSyntaxError(`expected '${value}'`, tok.col);
  }
  expectEnd(): void {
    const tok = this.peek();
    if (tok.t !== "end") throw new ClauseSyntaxError(`unexpected ${describe(tok)}`, tok.col);
  }

  parseExpression(): ClauseExpr {
    const test = this.parseBinary(0);
    if (!this.isOp("?")) return test;
    this.next();
    const then = this.parseExpression();
    this.expectOp(":");
    const otherwise = this.parseExpression();
    return { tag: "cond", test, then, else: otherwise };
  }

  /** Precedence climbing over the binary levels: ||, &&, equality, relational, additive, multiplicative. */
  private parseBinary(level: number): ClauseExpr {
    if (level === 6) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const tok = this.peek();
      if (tok.t !== "op") return left;
      const op = binaryAt(level, tok.value);
      if (op === undefined) return left;
      this.next();
      const right = this.parseBinary(level + 1);
      left = { tag: "bin", op, left, right };
    }
  }

  private parseUnary(): ClauseExpr {
    if (this.isOp("!")) {
      this.next();
      return { tag: "not", arg: this.parseUnary() };
    }
    if (this.isOp("-")) {
      this.next();
      const arg = this.parseUnary();
      if (arg.tag === "num") return { tag: "num", value: -arg.value, text: `-${arg.text}` };
      return { tag: "neg", arg };
    }
    if (this.isOp("+")) throw new ClauseSyntaxError("unary '+' is not in the contract language", this.peek().col);
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(base: ClauseExpr): ClauseExpr {
    let expr = base;
    for (;;) {
      if (this.isOp(".")) {
        const dot = this.next();
        const name = this.next();
        if (name.t !== "id") throw new ClauseSyntaxError("expected a property name", dot.col);
        if (name.value !== "length") throw new ClauseSyntaxError(`property '${name.value}' is not in the contract language`, name.col);
        expr = { tag: "len", of: expr };
      } else if (this.isOp("[")) {
        this.next();
        const index = this.parseExpression();
        this.expectOp("]");
        expr = { tag: "index", of: expr, index };
      } else {
        return expr;
      }
    }
  }

  private parsePrimary(): ClauseExpr {
    const tok = this.next();
    switch (tok.t) {
      case "num":
        return { tag: "num", value: tok.value, text: tok.text };
      case "str":
        return { tag: "str", value: tok.value };
      case "op":
        if (tok.value === "(") {
          const inner = this.parseExpression();
          this.expectOp(")");
          return inner;
        }
        throw new ClauseSyntaxError(`unexpected ${describe(tok)}`, tok.col);
      case "end":
        throw new ClauseSyntaxError("unexpected end of clause", tok.col);
      case "id":
        return this.parseIdentifier(tok.value, tok.col);
    }
  }

  private parseIdentifier(name: string, col: number): ClauseExpr {
    if (name === "true" || name === "false") return { tag: "bool", value: name === "true" };
    if (name === "NaN") return { tag: "num", value: Number.NaN, text: "NaN" };
    if (name === "Infinity") return { tag: "num", value: Number.POSITIVE_INFINITY, text: "Infinity" };
    if (name === "Number" || name === "Math") {
      this.expectOp(".");
      const member = this.next();
      if (member.t !== "id") throw new ClauseSyntaxError(`expected a member of ${name}`, col);
      const fn = `${name}.${member.value}`;
      if (name === "Number" && member.value === "MAX_SAFE_INTEGER") return { tag: "num", value: Number.MAX_SAFE_INTEGER, text: fn };
      if (!(fn in CONTRACT_FUNCTIONS)) throw new ClauseSyntaxError(`'${fn}' is not in the contract language`, col);
      const args = this.parseArguments();
      const arity = CONTRACT_FUNCTIONS[fn as ContractFunction];
      if (args.length !== arity) throw new ClauseSyntaxError(`'${fn}' takes ${arity} argument(s)`, col);
      return { tag: "call", fn: fn as ContractFunction, args };
    }
    if (!this.isOp("(")) return { tag: "name", name };
    const args = this.parseArguments();
    switch (name) {
      case "len":
        if (args.length !== 1 || args[0] === undefined) throw new ClauseSyntaxError("len takes 1 argument", col);
        return { tag: "len", of: args[0] };
      case "old":
        if (args.length !== 1 || args[0] === undefined) throw new ClauseSyntaxError("old takes 1 argument", col);
        return { tag: "old", arg: args[0] };
      case "implies": {
        const [left, right] = args;
        if (args.length !== 2 || left === undefined || right === undefined) throw new ClauseSyntaxError("implies takes 2 arguments", col);
        return { tag: "implies", left, right };
      }
      case "forall": {
        const [variable, lo, hi, body] = args;
        if (args.length !== 4 || variable?.tag !== "name" || lo === undefined || hi === undefined || body === undefined) {
          throw new ClauseSyntaxError("forall takes (variable, lo, hi, predicate)", col);
        }
        return { tag: "forall", variable: variable.name, lo, hi, body };
      }
      default:
        throw new ClauseSyntaxError(`call to '${name}' is not in the contract language`, col);
    }
  }

  private parseArguments(): ClauseExpr[] {
    this.expectOp("(");
    const args: ClauseExpr[] = [];
    if (this.isOp(")")) {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.parseExpression());
      if (this.isOp(",")) {
        this.next();
        continue;
      }
      this.expectOp(")");
      return args;
    }
  }
}

function binaryAt(level: number, op: string): BinaryOp | undefined {
  switch (level) {
    case 0:
      return op === "||" ? "||" : undefined;
    case 1:
      return op === "&&" ? "&&" : undefined;
    case 2:
      return EQUALITY[op];
    case 3:
      return RELATIONAL.has(op) ? (op as BinaryOp) : undefined;
    case 4:
      return op === "+" || op === "-" ? op : undefined;
    case 5:
      return op === "*" || op === "/" || op === "%" ? op : undefined;
    default:
      return undefined;
  }
}

function describe(tok: Token): string {
  switch (tok.t) {
    case "num":
      return `number ${tok.text}`;
    case "str":
      return "string";
    case "id":
      return `word '${tok.value}'`;
    case "op":
      return `'${tok.value}'`;
    case "end":
      return "end of clause";
  }
}
