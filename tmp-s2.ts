import { loadSpec, specOperations, validateRequest, validateResponse } from "./src/spec/index.js";
const spec = loadSpec();
const S = spec.components.schemas as Record<string, any>;
function gen(s: any, depth = 0, all = false): unknown {
  if (!s || depth > 80) return undefined;
  if (s.$ref) return gen(S[s.$ref.split("/").pop()], depth + 1, all);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((x: any) => gen(x, depth + 1, all)));
  if (s.oneOf) return gen(s.oneOf[0], depth + 1, all);
  if (s.enum) return s.enum[0];
  if (s.example !== undefined && s.type !== "object" && s.type !== "array") return s.example;
  switch (s.type) {
    case "object": { const o: any = {}; for (const [k, v] of Object.entries(s.properties ?? {})) if (all || (s.required ?? []).includes(k)) { const g = gen(v, depth + 1, all); if (g !== undefined) o[k] = g; } return o; }
    case "array": { const g = gen(s.items, depth + 1, all); return g === undefined ? [] : [g]; }
    case "string": return s.format === "date-time" ? "2024-01-01T00:00:00+00:00" : s.format === "date" ? "2024-01-01" : s.format === "uri" ? "https://x.test/a" : s.format === "time" ? "10:00:00Z" : "x";
    case "integer": return 1; case "number": return 1.5; case "boolean": return true;
  }
  return {};
}
const h = { revision: "2026-07-15", authorization: "Klaviyo-API-Key pk_x", "content-type": "application/vnd.api+json" };
let fails = 0, n = 0;
for (const all of [false, true]) for (const op of specOperations().values()) {
  const rb = op.op.requestBody; if (!rb) continue;
  const c = rb.content["application/vnd.api+json"]; if (!c) continue;
  const body = gen(c.schema, 0, all);
  const url = op.path.replace(/\{[^}]+\}/g, "abc") + (op.path.startsWith("/client/") ? "?company_id=AbC123" : "");
  const r = validateRequest({ method: op.method, url, headers: h, body });
  n++;
  if (r.problems.length) { fails++; if (fails < 15) console.log(all, op.id, JSON.stringify(r.problems).slice(0, 600)); }
}
console.log("request fails", fails, "of", n);
fails = 0; n = 0;
for (const all of [false, true]) for (const op of specOperations().values()) for (const [st, resp] of Object.entries(op.op.responses)) {
  if (!/^\d+$/.test(st) || !(resp as any).content) continue;
  const body = gen((resp as any).content["application/vnd.api+json"].schema, 0, all);
  const p = validateResponse({ operationId: op.id, status: Number(st), contentType: "application/vnd.api+json", body });
  n++;
  if (p.length) { fails++; if (fails < 15) console.log("resp", all, op.id, st, JSON.stringify(p).slice(0, 600)); }
}
console.log("response fails", fails, "of", n);
