import { afterEach, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../helpers/emulator.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe("GET /api/profiles serves cached renderings that never go stale", () => {
  it("shows updates, imports, new events and another origin right after they happen", async () => {
    emu = await startTestEmulator();
    const c = emu.client();
    const created = await c.profiles.create({
      data: { type: "profile", attributes: { email: "cache@example.com", first_name: "Before" } },
    });
    const id = created.data.id as string;
    const read = async () => (await c.profiles.list().toArray()).find((p) => p.id === id);
    expect((await read())?.attributes.first_name).toBe("Before"); // now cached
    await c.profiles.update(id, { data: { type: "profile", id, attributes: { first_name: "After" } } });
    expect((await read())?.attributes.first_name).toBe("After");
    await c.profiles.createOrUpdate({
      data: { type: "profile", attributes: { email: "cache@example.com", properties: { tier: "gold" } } },
    });
    expect((await read())?.attributes.properties).toMatchObject({ tier: "gold" });
    await c.events.create({
      data: {
        type: "event",
        attributes: {
          properties: {},
          time: "2026-01-02T03:04:05+00:00",
          metric: { data: { type: "metric", attributes: { name: "Viewed Product" } } },
          profile: { data: { type: "profile", attributes: { email: "cache@example.com" } } },
        },
      },
    });
    expect((await read())?.attributes.last_event_date).toBe("2026-01-02T03:04:05+00:00");
    // The same profile seen through another host name gets links for that host.
    const other = createdVia(emu.url.replace("127.0.0.1", "localhost"));
    const viaLocalhost = (await other.profiles.list().toArray()).find((p) => p.id === id);
    expect(viaLocalhost?.links.self).toContain("localhost");
  });
});

function createdVia(baseUrl: string) {
  return (emu as TestEmulator).client({ baseUrl });
}
