import { OPERATIONS } from "./generated/operations.js";
import type { OperationInfo } from "./operation-info.js";

export type { OperationId } from "./generated/operations.js";
export { OPERATIONS } from "./generated/operations.js";
export type { OperationInfo } from "./operation-info.js";

interface Compiled {
  op: OperationInfo;
  regex: RegExp;
  names: string[];
  /** Literal segments count: more literal segments win over templated ones (`/api/lists/{id}` vs `/api/lists/x/y`). */
  literals: number;
}

const byId = new Map<string, OperationInfo>();
const byMethod = new Map<string, Compiled[]>();

for (const op of OPERATIONS as readonly OperationInfo[]) {
  byId.set(op.id, op);
  const names: string[] = [];
  const pattern = op.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const literals = op.path.split("/").filter((s) => s.length > 0 && !s.startsWith("{")).length;
  const list = byMethod.get(op.method) ?? [];
  list.push({ op, regex: new RegExp(`^${pattern}/?$`), names, literals });
  byMethod.set(op.method, list);
}
for (const list of byMethod.values()) list.sort((a, b) => b.literals - a.literals);

export function getOperation(id: string): OperationInfo | undefined {
  return byId.get(id);
}

export interface OperationMatch {
  op: OperationInfo;
  /** Decoded path parameters. */
  params: Record<string, string>;
}

/** Finds the spec operation for a method and a path (without query string). */
export function findOperation(method: string, pathname: string): OperationMatch | undefined {
  const list = byMethod.get(method.toUpperCase());
  if (!list) return undefined;
  for (const c of list) {
    const m = c.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] as string);
    });
    return { op: c.op, params };
  }
  return undefined;
}

/** Fills a path template: `/api/profiles/{id}` + `{ id: "x" }` → `/api/profiles/x`. */
export function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined || v === "")
      throw new TypeError(`path parameter "${name}" is required for ${template}`);
    return encodeURIComponent(String(v));
  });
}
