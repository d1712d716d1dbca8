import { FilterSyntaxError } from "./errors.js";
import { classifyBare } from "./literals.js";
import {
  FIELD_PATTERN,
  FILTER_OPERATORS,
  type FilterCondition,
  type FilterOperator,
  type FilterScalar,
  type FilterValue,
  LIST_OPERATORS,
  NO_VALUE_OPERATORS,
  SINGLE_OPERATORS,
} from "./types.js";

/** How deeply `and(...)` may nest before the parser gives up (keeps the parser off the call-stack limit). */
const MAX_DEPTH = 32;

const OPERATOR_SET: ReadonlySet<string> = new Set(FILTER_OPERATORS);
const WORD = /[A-Za-z-]/;
const FIELD_CHAR = /[\w.$:-]/;
const WS = /\s/;
/** Characters that end an unquoted value. */
const DELIMITERS = new Set([",", "(", ")", "[", "]", "'", '"']);

/**
 * Parses a Klaviyo filter such as `equals(email,'a@b.com'),greater-than(updated,2024-01-01T00:00:00Z)`
 * into its conditions. Top-level commas and `and(...)` (nested or not) are flattened: the result is
 * the AND of every condition. Throws FilterSyntaxError (and nothing else) on malformed input.
 */
export function parseFilter(text: string): FilterCondition[] {
  if (typeof text !== "string") {
    throw new FilterSyntaxError(
      `the filter must be a string, got ${text === null ? "null" : typeof text}`,
      0,
      "",
    );
  }
  const parser = new Parser(text);
  return parser.parseAll();
}

class Parser {
  private pos = 0;
  private readonly out: FilterCondition[] = [];

  constructor(private readonly text: string) {}

  parseAll(): FilterCondition[] {
    this.skipWs();
    if (this.pos >= this.text.length)
      this.fail("the filter is empty; write a condition such as equals(email,'a@b.com')");
    this.parseList(0);
    this.skipWs();
    if (this.pos < this.text.length) {
      this.fail(`expected "," between conditions or the end of the filter, but found ${this.found()}`);
    }
    return this.out;
  }

  private fail(reason: string, at = this.pos): never {
    throw new FilterSyntaxError(reason, at, this.text);
  }

  private found(): string {
    if (this.pos >= this.text.length) return "the end of the filter";
    const cp = this.text.codePointAt(this.pos) ?? 0;
    return JSON.stringify(String.fromCodePoint(cp));
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private skipWs(): void {
    while (this.pos < this.text.length && WS.test(this.text[this.pos] as string)) this.pos++;
  }

  private expect(ch: string, what: string): void {
    this.skipWs();
    if (this.peek() !== ch) this.fail(`expected ${JSON.stringify(ch)} ${what}, but found ${this.found()}`);
    this.pos++;
  }

  /** condition ("," condition)* */
  private parseList(depth: number): void {
    this.parseCondition(depth);
    for (;;) {
      this.skipWs();
      if (this.peek() !== ",") return;
      this.pos++;
      this.parseCondition(depth);
    }
  }

  private parseCondition(depth: number): void {
    this.skipWs();
    const start = this.pos;
    while (this.pos < this.text.length && WORD.test(this.text[this.pos] as string)) this.pos++;
    const name = this.text.slice(start, this.pos);
    if (name.length === 0) {
      this.fail(`expected a condition such as equals(field,value), but found ${this.found()}`);
    }
    if (name === "and") {
      if (depth >= MAX_DEPTH) this.fail(`and(...) is nested more than ${MAX_DEPTH} levels deep`, start);
      this.expect("(", "after and");
      this.skipWs();
      if (this.peek() === ")") this.fail("and() needs at least one condition");
      this.parseList(depth + 1);
      this.expect(")", "to close and(");
      return;
    }
    if (name === "or" || name === "not") {
      this.fail(
        `Klaviyo filters have no ${name}(...); conditions can only be combined with and(...) or commas`,
        start,
      );
    }
    if (!OPERATOR_SET.has(name)) {
      this.fail(
        `unknown operator ${JSON.stringify(name)}; known operators are ${FILTER_OPERATORS.join(", ")}`,
        start,
      );
    }
    const operator = name as FilterOperator;
    this.expect("(", `after ${operator}`);
    const field = this.parseField(operator);
    let value: FilterValue;
    this.skipWs();
    if (NO_VALUE_OPERATORS.has(operator)) {
      if (this.peek() === ",") this.fail(`${operator} takes only a field name, like ${operator}(${field})`);
      value = { kind: "none" };
    } else {
      if (this.peek() !== ",") {
        this.fail(
          `expected "," and a value after the field name: ${operator}(${field},value), but found ${this.found()}`,
        );
      }
      this.pos++;
      value = this.parseValue(operator);
    }
    this.expect(")", `to close ${operator}(`);
    this.out.push({ operator, field, value });
  }

  private parseField(operator: string): string {
    this.skipWs();
    const start = this.pos;
    while (this.pos < this.text.length && FIELD_CHAR.test(this.text[this.pos] as string)) this.pos++;
    const field = this.text.slice(start, this.pos);
    if (field.length === 0) this.fail(`expected a field name after ${operator}(, but found ${this.found()}`);
    if (!FIELD_PATTERN.test(field)) {
      this.fail(
        `${JSON.stringify(field)} is not a field name (it must start with a letter, "_" or "$")`,
        start,
      );
    }
    return field;
  }

  private parseValue(operator: FilterOperator): FilterValue {
    this.skipWs();
    const start = this.pos;
    if (this.peek() === "[") {
      if (SINGLE_OPERATORS.has(operator)) this.fail(`${operator} takes a single value, not a list`, start);
      return this.parseListValue();
    }
    if (LIST_OPERATORS.has(operator)) {
      this.fail(`${operator} needs a list of values such as ['a','b'], but found ${this.found()}`);
    }
    return this.parseScalar();
  }

  private parseListValue(): FilterValue {
    this.pos++; // [
    this.skipWs();
    if (this.peek() === "]") this.fail("a list needs at least one value");
    const items: FilterScalar[] = [];
    for (;;) {
      this.skipWs();
      if (this.peek() === "[") this.fail("lists cannot be nested");
      items.push(this.parseScalar());
      this.skipWs();
      const ch = this.peek();
      if (ch === ",") {
        this.pos++;
        continue;
      }
      if (ch === "]") {
        this.pos++;
        return { kind: "list", items };
      }
      this.fail(`expected "," or "]" in the list, but found ${this.found()}`);
    }
  }

  private parseScalar(): FilterScalar {
    this.skipWs();
    const ch = this.peek();
    if (ch === "'" || ch === '"') return this.parseString(ch);
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos] as string;
      if (DELIMITERS.has(c) || WS.test(c)) break;
      this.pos++;
    }
    const token = this.text.slice(start, this.pos);
    if (token.length === 0) this.fail(`expected a value, but found ${this.found()}`);
    const scalar = classifyBare(token);
    if (scalar) {
      if (scalar.kind === "datetime" && /^ \d{2}:?\d{2}\b/.test(this.text.slice(this.pos, this.pos + 6))) {
        this.fail(
          `the date-time ${token} is followed by a space and an offset: a "+" in the URL query was decoded as a space; percent-encode it as %2B`,
          this.pos,
        );
      }
      return scalar;
    }
    this.fail(
      `${JSON.stringify(token)} is not a value: quote strings ('text'); numbers, true, false, null and ISO 8601 date-times are written bare`,
      start,
    );
  }

  private parseString(quote: string): FilterScalar {
    const start = this.pos;
    this.pos++;
    let value = "";
    let chunk = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === "\\") {
        value += this.text.slice(chunk, this.pos);
        if (this.pos + 1 >= this.text.length) break;
        // The escaped character is taken literally (a whole code point, so surrogate pairs stay intact).
        const cp = this.text.codePointAt(this.pos + 1) ?? 0;
        const escaped = String.fromCodePoint(cp);
        value += escaped;
        this.pos += 1 + escaped.length;
        chunk = this.pos;
        continue;
      }
      if (c === quote) {
        value += this.text.slice(chunk, this.pos);
        this.pos++;
        return { kind: "string", value };
      }
      this.pos++;
    }
    this.fail(`the string starting here is never closed with ${quote}`, start);
  }
}
