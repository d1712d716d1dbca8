import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/client/errors.js";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe("emulated accounts and metrics", () => {
  it("serves the account by list and by id, and 404 for another id", async () => {
    emu = await startTestEmulator();
    const c = emu.client();
    const [account] = await c.accounts.list().toArray();
    expect(account?.attributes.contact_information.organization_name).toBe("Emulated Store");
    const one = await c.accounts.get(account?.id ?? "");
    expect(one.data.id).toBe(account?.id);
    await expect(c.accounts.get("NOPE01")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists metrics (filterable by integration name) and gets one", async () => {
    emu = await startTestEmulator();
    emu.store.metricByName("Placed Order", "Shopify");
    emu.store.metricByName("Viewed Product");
    const c = emu.client();
    const all = await c.metrics.list().toArray();
    expect(all.map((m) => m.attributes.name).sort()).toEqual(["Placed Order", "Viewed Product"]);
    const shopify = await c.metrics.list({ filter: "equals(integration.name,'Shopify')" }).toArray();
    expect(shopify.map((m) => m.attributes.name)).toEqual(["Placed Order"]);
    const one = await c.metrics.get(shopify[0]?.id ?? "");
    expect(one.data.attributes.name).toBe("Placed Order");
    await expect(c.metrics.get("XXXXXX")).rejects.toBeInstanceOf(NotFoundError);
  });
});
