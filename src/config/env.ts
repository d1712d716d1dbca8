// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} config interpolation syntax is written literally in this file
/**
 * `${VAR}` and `${VAR:-default}` interpolation for config values. `$${` writes a literal `${`.
 * A `$` not followed by `{` is kept as is.
 */

export interface ExpandedVar {
  name: string;
  value: string;
  fromDefault: boolean;
}

export type Expansion =
  | { ok: true; value: string; vars: ExpandedVar[] }
  | {
      ok: false;
      kind: "missing" | "syntax";
      /** The variable name, for `missing`. */
      name?: string;
      /** Index in the text of the offending `${`. */
      index: number;
      problem: string;
    };

const NAME_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/** Whether `text` contains anything `expandEnv` would change. */
export function hasInterpolation(text: string): boolean {
  return text.includes("${");
}

export function expandEnv(text: string, env: Record<string, string | undefined>): Expansion {
  let out = "";
  const vars: ExpandedVar[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 3;
      continue;
    }
    if (!text.startsWith("${", i)) {
      out += text[i];
      i++;
      continue;
    }
    const close = text.indexOf("}", i + 2);
    if (close === -1) {
      return {
        ok: false,
        kind: "syntax",
        index: i,
        problem: "unclosed ${ in a value; close it with } or write $${ for a literal ${.",
      };
    }
    const inner = text.slice(i + 2, close);
    const m = NAME_RE.exec(inner);
    if (!m) {
      return {
        ok: false,
        kind: "syntax",
        index: i,
        problem:
          "invalid ${...} reference; write ${NAME} or ${NAME:-default} where NAME is letters, digits and _ (not starting with a digit), or $${ for a literal ${.",
      };
    }
    const name = m[1]!;
    const fallback = m[2];
    const set = env[name];
    if (fallback !== undefined) {
      const useDefault = set === undefined || set === "";
      const value = useDefault ? fallback : set;
      out += value;
      vars.push({ name, value, fromDefault: useDefault });
    } else if (set === undefined) {
      return {
        ok: false,
        kind: "missing",
        name,
        index: i,
        problem: `environment variable ${name} is not set. Set it, or write \${${name}:-default} to give a default.`,
      };
    } else {
      out += set;
      vars.push({ name, value: set, fromDefault: false });
    }
    i = close + 1;
  }
  return { ok: true, value: out, vars };
}
