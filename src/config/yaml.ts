// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * Reading a config file's YAML, shared by extract.yaml and load.yaml: positions (file:line:col)
 * for every problem, `${VAR}` inside `{ }` and `[ ]` accepted as written, and whatever the YAML
 * library throws (an alias to an anchor that does not exist, an alias bomb) turned into a
 * ConfigError with a position instead of a crash.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml";
import { ConfigError } from "../client/errors.js";

export type Path = Array<string | number>;

export function formatPath(path: Path): string {
  return path
    .map((seg, i) => {
      if (typeof seg === "number") return `[${seg}]`;
      const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg) ? seg : `"${seg}"`;
      return i === 0 ? plain : `.${plain}`;
    })
    .join("");
}

interface Found {
  found: boolean;
  /** The value node, when present and not empty. */
  node?: unknown;
  /** Start of the value (or of its key when the value is empty); the nearest ancestor key when not found. */
  offset: number;
  /** Start of the key of the last path segment, when found in a map. */
  keyOffset?: number;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range && !(isScalar(node) && node.value === null && range[0] === range[1])) return range[0];
  }
  return undefined;
}

export class Locator {
  constructor(
    private readonly file: string,
    private readonly root: unknown,
    private readonly lines: LineCounter,
  ) {}

  find(path: Path): Found {
    let cur: unknown = this.root;
    let offset = rangeStart(this.root) ?? 0;
    let keyOffset: number | undefined;
    for (const seg of path) {
      if (isMap(cur)) {
        const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return { found: false, offset };
        keyOffset = rangeStart(pair.key) ?? offset;
        offset = keyOffset;
        cur = pair.value;
      } else if (isSeq(cur) && typeof seg === "number" && cur.items[seg] !== undefined) {
        keyOffset = undefined;
        cur = cur.items[seg];
      } else {
        return { found: false, offset };
      }
      offset = rangeStart(cur) ?? offset;
    }
    const empty = cur === null || cur === undefined || (isScalar(cur) && cur.value === null);
    return {
      found: true,
      ...(empty ? {} : { node: cur }),
      offset,
      ...(keyOffset === undefined ? {} : { keyOffset }),
    };
  }

  at(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  /** Throws a ConfigError that starts with the file, line and column of `path` (or of its key). */
  fail(path: Path, message: string, key = false): never {
    const found = this.find(path);
    throw new ConfigError(`${this.at(key ? (found.keyOffset ?? found.offset) : found.offset)}: ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Flow collections and ${VAR}

function lineCounterFor(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/**
 * `{ api_key: ${KLAVIYO_API_KEY} }` is not valid YAML: in a `{ }` or `[ ]` collection a plain value
 * cannot contain `{`. Such values are quoted here (`"${KLAVIYO_API_KEY}"`) so the config reads as
 * written; `inserts` are the offsets of the added quotes, to report positions in the original text.
 */
export function quoteFlowVariables(text: string): { text: string; inserts: number[] } | undefined {
  let out = "";
  const inserts: number[] = [];
  let depth = 0;
  let quote: string | undefined;
  let i = 0;
  let prev = "\n"; // last non-space character outside quotes
  while (i < text.length) {
    const ch = text[i]!;
    if (quote) {
      out += ch;
      if (ch === "\\" && quote === '"') {
        out += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (ch === quote) {
        if (quote === "'" && text[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        quote = undefined;
        prev = ch;
      }
      i++;
      continue;
    }
    if (ch === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    const startsScalar = depth > 0 && (prev === ":" || prev === "," || prev === "{" || prev === "[");
    if (startsScalar && ch !== " " && ch !== "\t" && ch !== "\n" && ch !== "\r" && !"{}[],\"'".includes(ch)) {
      // A plain scalar in a flow collection: up to the next , } ] or line end (or " #").
      let j = i;
      let inVar = false;
      while (j < text.length) {
        const c = text[j]!;
        if (inVar) {
          if (c === "}") inVar = false;
        } else if (c === "$" && text[j + 1] === "{") {
          inVar = true;
          j++;
        } else if (c === "," || c === "}" || c === "]" || c === "\n" || c === "\r") break;
        else if (c === "#" && /\s/.test(text[j - 1] ?? "")) break;
        j++;
      }
      const raw = text.slice(i, j);
      const value = raw.replace(/\s+$/, "");
      if (value.includes("${") && !/["\\]/.test(value) && !/:\s/.test(value)) {
        inserts.push(out.length);
        out += '"';
        out += value;
        inserts.push(out.length);
        out += '"';
        out += raw.slice(value.length);
        prev = '"';
        i = j;
        continue;
      }
    }
    if (ch === '"' || ch === "'") {
      // A quote starts a quoted scalar only where a scalar can start.
      if (":,{[-?\n".includes(prev)) quote = ch;
    }
    if (ch === "{" || ch === "[") depth++;
    else if ((ch === "}" || ch === "]") && depth > 0) depth--;
    if (ch === "\n") {
      if (depth === 0) prev = "\n";
    } else if (ch !== " " && ch !== "\t" && ch !== "\r") prev = ch;
    out += ch;
    i++;
  }
  return inserts.length > 0 ? { text: out, inserts } : undefined;
}

/** A Locator whose offsets are in the quoted text and whose positions are in the original. */
export class ShiftedLocator extends Locator {
  constructor(
    file: string,
    root: unknown,
    lines: LineCounter,
    private readonly inserts: readonly number[],
  ) {
    super(file, root, lines);
  }

  override at(offset: number): string {
    let before = 0;
    while (before < this.inserts.length && (this.inserts[before] ?? 0) < offset) before++;
    return super.at(offset - before);
  }
}

export function parseYaml(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false });
  return { doc, lines };
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ConfigYaml {
  /** The document's root node (for the Locator and interpolation). */
  root: unknown;
  /** The text the nodes' offsets refer to (the original, or with `${VAR}` values quoted). */
  parsedText: string;
  locator: Locator;
  /** The document as plain data. */
  toJS(): unknown;
}

/**
 * Parses config text. YAML errors become ConfigErrors at their position (`hint` is added when the
 * text uses `${VAR}`); an empty document is a ConfigError saying what the file needs (`empty`).
 */
export function readConfigYaml(text: string, file: string, empty: string): ConfigYaml {
  let { doc, lines } = parseYaml(text);
  let parsedText = text;
  let inserts: number[] | undefined;
  const firstError = doc.errors[0];
  if (firstError) {
    const quoted = quoteFlowVariables(text);
    const retry = quoted ? parseYaml(quoted.text) : undefined;
    if (quoted && retry && retry.doc.errors.length === 0) {
      ({ doc } = retry);
      lines = lineCounterFor(text);
      parsedText = quoted.text;
      inserts = quoted.inserts;
    } else {
      const { line, col } = lines.linePos(firstError.pos[0]);
      const message = firstError.message.split("\n")[0]?.replace(/[.:\s]+$/, "") ?? "invalid YAML";
      const hint = text.includes("${")
        ? ' Inside { } or [ ], quote values that use ${VAR}, e.g. { api_key: "${KLAVIYO_API_KEY}" }.'
        : "";
      throw new ConfigError(`${file}:${line}:${col}: ${message}.${hint}`);
    }
  }
  const root = doc.contents;
  const locator = inserts ? new ShiftedLocator(file, root, lines, inserts) : new Locator(file, root, lines);
  if (root === null || (isScalar(root) && root.value === null))
    throw new ConfigError(`${file}:1:1: ${empty}`);
  // An alias (`*name`) whose anchor is missing, or one that expands too far, throws in toJS.
  let badAlias: { offset: number; name: string } | undefined;
  visit(doc, {
    Alias(_, node) {
      if (badAlias === undefined && node.resolve(doc) === undefined)
        badAlias = { offset: node.range?.[0] ?? 0, name: node.source };
    },
  });
  if (badAlias)
    throw new ConfigError(
      `${locator.at(badAlias.offset)}: *${badAlias.name} refers to no anchor (&${badAlias.name}) defined before it. Define the anchor first, or write the value out.`,
    );
  return {
    root,
    parsedText,
    locator,
    toJS() {
      try {
        return doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        let at = 0;
        visit(doc, {
          Alias(_, node) {
            at = node.range?.[0] ?? at;
            return visit.BREAK;
          },
        });
        throw new ConfigError(
          `${locator.at(at)}: ${(err as Error).message.replace(/[.\s]+$/, "")}. Write the values out instead of using YAML aliases.`,
        );
      }
    },
  };
}
