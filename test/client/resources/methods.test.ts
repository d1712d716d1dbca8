/** Every resource method, once, through a real client: the request that reaches the server. */
import { describe } from "vitest";
import { allCases } from "./cases.js";
import { runCases, useHarness } from "./harness.js";

for (const [group, cases] of Object.entries(allCases)) {
  describe(group, () => {
    const h = useHarness();
    runCases(h, cases);
  });
}
