import { loadSpec, type OpenApiOperation, type OpenApiParameter } from "./load.js";

export interface SpecOperation {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly op: OpenApiOperation;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
let index: Map<string, SpecOperation> | undefined;

/** Every operation of the vendored spec by operationId. */
export function specOperations(): ReadonlyMap<string, SpecOperation> {
  if (index) return index;
  const map = new Map<string, SpecOperation>();
  const spec = loadSpec();
  for (const [path, item] of Object.entries(spec.paths)) {
    const shared = Array.isArray(item.parameters) ? (item.parameters as OpenApiParameter[]) : [];
    for (const method of METHODS) {
      const raw = item[method] as OpenApiOperation | undefined;
      if (!raw || typeof raw.operationId !== "string") continue;
      // Path-level parameters apply to every method unless the operation overrides them.
      const op: OpenApiOperation =
        shared.length === 0
          ? raw
          : {
              ...raw,
              parameters: [
                ...shared.filter(
                  (s) => !(raw.parameters ?? []).some((p) => p.name === s.name && p.in === s.in),
                ),
                ...(raw.parameters ?? []),
              ],
            };
      map.set(op.operationId, { id: op.operationId, method: method.toUpperCase(), path, op });
    }
  }
  index = map;
  return map;
}

export function specOperation(id: string): SpecOperation | undefined {
  return specOperations().get(id);
}
