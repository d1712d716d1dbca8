import { afterEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, type ValidationError } from "../../../src/client/errors.js";
import { filter } from "../../../src/filter/index.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, ManualClock } from "./helpers.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const code = (coupon: string, unique: string, expires?: string) => ({
  data: {
    type: "coupon-code" as const,
    attributes: { unique_code: unique, ...(expires ? { expires_at: expires } : {}) },
    relationships: { coupon: { data: { type: "coupon" as const, id: coupon } } },
  },
});

describe("emulated coupons", () => {
  it("creates, lists, updates and deletes coupons and their codes", async () => {
    emu = await startTestEmulator();
    const c = emu.client();
    const ten = await c.coupons.create({
      data: { type: "coupon", attributes: { external_id: "10OFF", description: "10% off" } },
    });
    expect(ten.data.id).toBe("10OFF");
    await c.coupons.create({ data: { type: "coupon", attributes: { external_id: "FREESHIP" } } });
    const dup = await failure(
      c.coupons.create({ data: { type: "coupon", attributes: { external_id: "10OFF" } } }),
    );
    expect(dup).toBeInstanceOf(ConflictError);
    const bad = await failure<ValidationError>(
      c.coupons.create({ data: { type: "coupon", attributes: { external_id: "has space" } } }),
    );
    expect(bad.pointer).toBe("/data/attributes/external_id");
    expect((await c.coupons.list({ "page[size]": 1 }).toArray()).map((x) => x.id)).toEqual([
      "10OFF",
      "FREESHIP",
    ]);
    const upd = await c.coupons.update("10OFF", {
      data: { type: "coupon", id: "10OFF", attributes: { description: "Ten percent" } },
    });
    expect(upd.data?.attributes.description).toBe("Ten percent");
    expect((await c.coupons.get("10OFF")).data?.attributes.description).toBe("Ten percent");

    const a = await c.coupons.codes.create(code("10OFF", "AAA111", "2026-12-31T00:00:00Z"));
    expect(a.data.id).toBe("10OFF-AAA111");
    expect(a.data.attributes.status).toBe("UNASSIGNED");
    await c.coupons.codes.create(code("10OFF", "BBB222", "2026-06-30T00:00:00Z"));
    await c.coupons.codes.create(code("FREESHIP", "SHIP01"));
    expect(await failure(c.coupons.codes.create(code("10OFF", "AAA111")))).toBeInstanceOf(ConflictError);
    expect(await failure(c.coupons.codes.create(code("NOPE", "X")))).toBeInstanceOf(NotFoundError);

    const tens = await c.coupons.codes
      .list(filter.equals("coupon.id", ["10OFF"]), { include: ["coupon"] })
      .first();
    expect(tens.data.map((x) => x.id)).toEqual(["10OFF-AAA111", "10OFF-BBB222"]);
    expect(tens.included.map((x) => x.id)).toEqual(["10OFF"]);
    const both = await c.coupons.codes
      .list("any(coupon.id,['10OFF','FREESHIP']),less-than(expires_at,2026-07-01T00:00:00Z)")
      .toArray();
    expect(both.map((x) => x.id)).toEqual(["10OFF-BBB222"]);
    const noOwner = await failure<ValidationError>(
      c.coupons.codes.list("equals(status,'UNASSIGNED')").toArray(),
    );
    expect(noOwner.parameter).toBe("filter");
    const missing = await failure<ValidationError>(c.call("get_coupon_codes", {}));
    expect(missing.parameter).toBe("filter");

    const used = await c.coupons.codes.update("10OFF-AAA111", {
      data: { type: "coupon-code", id: "10OFF-AAA111", attributes: { status: "USED" } },
    });
    expect(used.data.attributes.status).toBe("USED");
    const one = await c.coupons.codes.get("10OFF-AAA111", { include: ["coupon"] });
    expect(one.included?.[0]?.id).toBe("10OFF");
    const forCoupon = await c.coupons.codes.forCoupon("10OFF", { filter: "equals(status,'USED')" }).toArray();
    expect(forCoupon.map((x) => x.id)).toEqual(["10OFF-AAA111"]);
    const idsForCoupon = await c.call("get_coupon_code_ids_for_coupon", { path: { id: "10OFF" } });
    expect(idsForCoupon.data.map((x) => x.id)).toEqual(["10OFF-AAA111", "10OFF-BBB222"]);
    const owner = await c.call("get_coupon_for_coupon_code", { path: { id: "FREESHIP-SHIP01" } });
    expect(owner.data?.id).toBe("FREESHIP");
    const ownerId = await c.call("get_coupon_id_for_coupon_code", { path: { id: "FREESHIP-SHIP01" } });
    expect(ownerId.data).toEqual({ type: "coupon", id: "FREESHIP" });

    await c.coupons.codes.delete("10OFF-BBB222");
    await expect(c.coupons.codes.get("10OFF-BBB222")).rejects.toBeInstanceOf(NotFoundError);
    await c.coupons.delete("FREESHIP");
    await expect(c.coupons.get("FREESHIP")).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.coupons.codes.get("FREESHIP-SHIP01")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("bulk creates codes in a job, reporting per-code failures", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    await c.coupons.create({ data: { type: "coupon", attributes: { external_id: "WELCOME" } } });
    const codes = Array.from(
      { length: 50 },
      (_, i) => code("WELCOME", `W${String(i).padStart(3, "0")}`).data,
    );
    codes.push(code("WELCOME", "W000").data, code("GHOST", "G1").data);
    const job = await c.coupons.bulkCreateCodes({
      data: { type: "coupon-code-bulk-create-job", attributes: { "coupon-codes": { data: codes } } },
    });
    expect(job.data.attributes).toMatchObject({ status: "queued", total_count: 52 });
    clock.advance(10_000);
    const done = await c.coupons.getBulkCreateCodesJob(job.data.id, { include: ["coupon-codes"] });
    expect(done.data.attributes).toMatchObject({ status: "complete", completed_count: 50, failed_count: 2 });
    expect(done.data.attributes.errors?.map((e) => e.source.pointer)).toEqual([
      "/data/attributes/coupon-codes/data/50/attributes/unique_code",
      "/data/attributes/coupon-codes/data/51/relationships/coupon/data/id",
    ]);
    expect(done.included).toHaveLength(50);
    const all = await c.coupons.codes.forCoupon("WELCOME", { "page[size]": 20 }).toArray();
    expect(all).toHaveLength(50);
    const jobs = await c.call("get_bulk_create_coupon_code_jobs", {
      query: { filter: "equals(status,'complete')" },
    });
    expect(jobs.data.map((j) => j.id)).toEqual([job.data.id]);

    const tooMany = await failure<ValidationError>(
      c.coupons.bulkCreateCodes({
        data: {
          type: "coupon-code-bulk-create-job",
          attributes: {
            "coupon-codes": { data: Array.from({ length: 1001 }, (_, i) => code("WELCOME", `X${i}`).data) },
          },
        },
      }),
    );
    expect(tooMany.pointer).toBe("/data/attributes/coupon-codes/data");
  });
});
