import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/client/errors.js";
import type { DeletionTarget } from "../../../src/client/resources/index.js";
import { useHarness } from "./harness.js";

const job = (profile: unknown) => ({
  data: { type: "data-privacy-deletion-job", attributes: { profile: { data: profile } } },
});

describe("dataPrivacy.requestProfileDeletion", () => {
  const h = useHarness();

  it("identifies by phone number or by id", async () => {
    await h.resources.dataPrivacy.requestProfileDeletion({ phoneNumber: "+15005550006" });
    await h.resources.dataPrivacy.requestProfileDeletion({ id: "01HZX0K3V8Q2ZJ4C0Y3Q4M5N6P" });
    expect(h.server.requests.map((r) => [r.method, r.pathname, r.json])).toEqual([
      [
        "POST",
        "/api/data-privacy-deletion-jobs",
        job({ type: "profile", attributes: { phone_number: "+15005550006" } }),
      ],
      [
        "POST",
        "/api/data-privacy-deletion-jobs",
        job({ type: "profile", id: "01HZX0K3V8Q2ZJ4C0Y3Q4M5N6P", attributes: {} }),
      ],
    ]);
  });

  it("rejects no identifier without sending anything", async () => {
    await expect(h.resources.dataPrivacy.requestProfileDeletion({} as DeletionTarget)).rejects.toThrow(
      ConfigError,
    );
    await expect(h.resources.dataPrivacy.requestProfileDeletion({ email: "" })).rejects.toThrow(
      /exactly one identifier.*got none/,
    );
    expect(h.server.requests).toHaveLength(0);
  });

  it("rejects two identifiers without sending anything", async () => {
    const call = h.resources.dataPrivacy.requestProfileDeletion({ email: "ada@example.com", id: "prof1" });
    await expect(call).rejects.toBeInstanceOf(ConfigError);
    await expect(call).rejects.toThrow(/got email and id/);
    await expect(
      h.resources.dataPrivacy.requestProfileDeletion({
        email: "ada@example.com",
        phoneNumber: "+15005550006",
      }),
    ).rejects.toThrow(ConfigError);
    expect(h.server.requests).toHaveLength(0);
  });
});
