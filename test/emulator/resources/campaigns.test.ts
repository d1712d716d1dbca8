import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError, type ValidationError } from "../../../src/client/errors.js";
import type { BodyOf } from "../../../src/client/typed.js";
import type { EmulatorStore } from "../../../src/emulator/store/store.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, ManualClock } from "./helpers.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function seedAudience(store: EmulatorStore): void {
  const now = "2026-01-01T00:00:00+00:00";
  store.lists.insert({ id: "LIST01", attributes: { name: "Newsletter", created: now, updated: now } });
  store.lists.insert({ id: "LIST02", attributes: { name: "VIP", created: now, updated: now } });
  store.segments.insert({ id: "SEG001", attributes: { name: "Engaged", created: now, updated: now } });
  store.listMembers.set("LIST01", new Map(["P1", "P2", "P3", "P4"].map((p) => [p, 0])));
  store.listMembers.set("LIST02", new Map(["P3", "P5"].map((p) => [p, 0])));
  store.segmentMembers.set("SEG001", new Map(["P4", "P6"].map((p) => [p, 0])));
}

function emailCampaign(name: string, extra: Partial<BodyOf<"create_campaign">["data"]["attributes"]> = {}) {
  const body: BodyOf<"create_campaign"> = {
    data: {
      type: "campaign",
      attributes: {
        name,
        audiences: { included: ["LIST01"], excluded: [] },
        "campaign-messages": {
          data: [
            {
              type: "campaign-message",
              attributes: {
                definition: { channel: "email", label: `${name} email`, content: { subject: "Hello" } },
              },
            },
          ],
        },
        ...extra,
      },
    },
  };
  return body;
}

function smsCampaign(name: string): BodyOf<"create_campaign"> {
  return {
    data: {
      type: "campaign",
      attributes: {
        name,
        audiences: { included: ["SEG001"] },
        "campaign-messages": {
          data: [
            {
              type: "campaign-message",
              attributes: { definition: { channel: "sms", content: { body: "Hi" } } },
            },
          ],
        },
      },
    },
  };
}

describe("emulated campaigns", () => {
  it("requires a channel filter to list campaigns", async () => {
    emu = await startTestEmulator();
    const c = emu.client();
    const missing = await failure<ValidationError>(c.call("get_campaigns", {}));
    expect(missing.status).toBe(400);
    expect(missing.parameter).toBe("filter");
    const noChannel = await failure<ValidationError>(
      c.call("get_campaigns", { query: { filter: "equals(status,'Draft')" } }),
    );
    expect(noChannel.status).toBe(400);
    expect(noChannel.parameter).toBe("filter");
    expect(await c.campaigns.list("email").toArray()).toEqual([]);
  });

  it("creates, lists per channel with filters and sorts, reads, updates, clones and deletes", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    seedAudience(emu.store);
    const c = emu.client();
    const created = await c.campaigns.create(emailCampaign("Spring Sale"));
    expect(created.data.attributes.status).toBe("Draft");
    expect(created.data.attributes.send_strategy).toEqual({ method: "immediate" });
    expect(created.data.attributes.tracking_options).toMatchObject({ is_tracking_opens: true });
    const id = created.data.id;
    clock.advance(60_000);
    await c.campaigns.create(smsCampaign("Flash SMS"));
    clock.advance(60_000);
    await c.campaigns.create(emailCampaign("Autumn Sale"));

    const email = await c.campaigns.list("email", { sort: "-name", "page[size]": 1 }).toArray();
    expect(email.map((x) => x.attributes.name)).toEqual(["Spring Sale", "Autumn Sale"]);
    const sms = await c.campaigns.list("sms").toArray();
    expect(sms.map((x) => x.attributes.name)).toEqual(["Flash SMS"]);
    const spring = await c.campaigns
      .list("email", { filter: "contains(name,'spring'),equals(status,'Draft'),equals(archived,false)" })
      .toArray();
    expect(spring.map((x) => x.id)).toEqual([id]);
    const later = await c.campaigns
      .list("email", { filter: `greater-than(created_at,${created.data.attributes.created_at})` })
      .toArray();
    expect(later.map((x) => x.attributes.name)).toEqual(["Autumn Sale"]);

    const one = await c.campaigns.get(id, { include: ["campaign-messages", "tags"] });
    const messageId = one.data.relationships?.["campaign-messages"]?.data?.[0]?.id ?? "";
    expect(one.included?.[0]).toMatchObject({ type: "campaign-message", id: messageId });

    const updated = await c.campaigns.update(id, {
      data: {
        type: "campaign",
        id,
        attributes: {
          name: "Spring Sale 2026",
          audiences: { included: ["LIST01", "LIST02"], excluded: ["SEG001"] },
          send_strategy: { method: "static", datetime: "2026-03-01T09:00:00Z" },
        },
      },
    });
    expect(updated.data.attributes.name).toBe("Spring Sale 2026");
    expect(updated.data.attributes.send_time).toBe("2026-03-01T09:00:00+00:00");
    const badAudience = await failure<ValidationError>(
      c.campaigns.update(id, {
        data: { type: "campaign", id, attributes: { audiences: { included: ["NOPE"] } } },
      }),
    );
    expect(badAudience.pointer).toBe("/data/attributes/audiences/included/0");

    const clone = await c.campaigns.clone(id, "Spring Sale (copy)");
    expect(clone.data.attributes.name).toBe("Spring Sale (copy)");
    expect(clone.data.id).not.toBe(id);
    const cloneMessages = await c.call("get_message_ids_for_campaign", { path: { id: clone.data.id } });
    expect(cloneMessages.data).toHaveLength(1);
    expect(cloneMessages.data[0]?.id).not.toBe(messageId);

    await c.campaigns.delete(clone.data.id);
    await expect(c.campaigns.get(clone.data.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.campaigns.getMessage(cloneMessages.data[0]?.id ?? "")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const noMessages = await failure<ValidationError>(
      c.campaigns.create({
        data: {
          type: "campaign",
          attributes: {
            name: "Empty",
            audiences: { included: ["LIST01"] },
            "campaign-messages": { data: [] },
          },
        },
      }),
    );
    expect(noMessages.pointer).toBe("/data/attributes/campaign-messages/data");
  });

  it("edits messages, assigns templates and images, and reads message relationships", async () => {
    emu = await startTestEmulator();
    seedAudience(emu.store);
    const c = emu.client();
    const campaign = await c.campaigns.create(emailCampaign("Launch"));
    const id = campaign.data.id;
    const messages = await c.campaigns
      .messages(id, { include: ["campaign"] })
      .pages()
      .next();
    const page = messages.value;
    const messageId = page?.data[0]?.id ?? "";
    expect(page?.included[0]).toMatchObject({ type: "campaign", id });

    const msg = await c.campaigns.updateMessage(messageId, {
      data: {
        type: "campaign-message",
        id: messageId,
        attributes: {
          definition: { channel: "email", content: { subject: "Launch day", preview_text: "It's here" } },
        },
      },
    });
    expect(msg.data.attributes.definition).toMatchObject({
      channel: "email",
      label: "Launch email",
      content: { subject: "Launch day", preview_text: "It's here", from_email: "hello@emulated-store.test" },
    });
    const wrongChannel = await failure<ValidationError>(
      c.campaigns.updateMessage(messageId, {
        data: { type: "campaign-message", id: messageId, attributes: { definition: { channel: "sms" } } },
      }),
    );
    expect(wrongChannel.pointer).toBe("/data/attributes/definition/channel");

    const template = await c.templates.create({
      data: { type: "template", attributes: { name: "Launch", editor_type: "CODE", html: "<p>Hi</p>" } },
    });
    const assigned = await c.campaigns.assignTemplate(messageId, template.data.id);
    expect(assigned.data.relationships?.template?.data?.id).toBe(template.data.id);
    expect(assigned.data.attributes.channel).toBe("email");
    const t = await c.call("get_template_for_campaign_message", { path: { id: messageId } });
    expect(t.data?.attributes.name).toBe("Launch");
    const tid = await c.call("get_template_id_for_campaign_message", { path: { id: messageId } });
    expect(tid.data?.id).toBe(template.data.id);
    await expect(c.campaigns.assignTemplate(messageId, "NOPE00")).rejects.toBeInstanceOf(NotFoundError);

    const image = await c.images.uploadFromUrl("https://cdn.example.com/banner.png");
    await c.call("update_image_for_campaign_message", {
      path: { id: messageId },
      body: { data: { type: "image", id: image.data.id } },
    });
    const img = await c.call("get_image_for_campaign_message", { path: { id: messageId } });
    expect(img.data?.attributes.image_url).toBe("https://cdn.example.com/banner.png");
    const imgId = await c.call("get_image_id_for_campaign_message", { path: { id: messageId } });
    expect(imgId.data?.id).toBe(image.data.id);

    const withAll = await c.campaigns.getMessage(messageId, { include: ["campaign", "template", "image"] });
    expect(withAll.included?.map((r) => r.type).sort()).toEqual(["campaign", "image", "template"]);
    const back = await c.call("get_campaign_for_campaign_message", { path: { id: messageId } });
    expect(back.data?.id).toBe(id);
    const backId = await c.call("get_campaign_id_for_campaign_message", { path: { id: messageId } });
    expect(backId.data?.id).toBe(id);

    const tag = await c.tags.create({ data: { type: "tag", attributes: { name: "Launches" } } });
    await c.tags.tagCampaigns(tag.data.id, [id]);
    const tags = await c.call("get_tags_for_campaign", { path: { id } });
    expect(tags.data.map((x) => x.attributes.name)).toEqual(["Launches"]);
    const tagIds = await c.call("get_tag_ids_for_campaign", { path: { id } });
    expect(tagIds.data).toEqual([{ type: "tag", id: tag.data.id }]);
    const withTags = await c.campaigns.list("email", { include: ["tags"] }).first();
    expect(withTags.included.map((r) => r.id)).toEqual([tag.data.id]);
  });

  it("sends through a send job, cancels and reverts, and estimates recipients", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    seedAudience(emu.store);
    const c = emu.client();
    const now = await c.campaigns.create(
      emailCampaign("Now", { audiences: { included: ["LIST01", "LIST02"], excluded: ["SEG001"] } }),
    );
    const id = now.data.id;

    const est = await c.campaigns.refreshRecipientEstimate(id);
    expect(est.data).toMatchObject({ type: "campaign-recipient-estimation-job", id });
    expect(["queued", "processing"]).toContain(est.data.attributes.status);
    clock.advance(5000);
    const estJob = await c.campaigns.getRecipientEstimationJob(id);
    expect(estJob.data.attributes.status).toBe("complete");
    const estimate = await c.campaigns.getRecipientEstimation(id);
    // LIST01 ∪ LIST02 = P1..P5, minus SEG001 (P4, P6) = 4.
    expect(estimate.data.attributes.estimated_recipient_count).toBe(4);

    const job = await c.campaigns.send(id);
    expect(job.data).toMatchObject({ type: "campaign-send-job", id });
    expect((await c.campaigns.get(id)).data.attributes.status).toBe("Sending");
    const again = await failure<ValidationError>(c.campaigns.send(id));
    expect(again.status).toBe(400);
    clock.advance(5000);
    expect((await c.campaigns.getSendJob(id)).data.attributes.status).toBe("complete");
    expect((await c.campaigns.get(id)).data.attributes.status).toBe("Sent");
    const tooLate = await failure<ValidationError>(c.campaigns.cancelSend(id));
    expect(tooLate.status).toBe(400);
    const locked = await failure<ValidationError>(
      c.campaigns.update(id, { data: { type: "campaign", id, attributes: { name: "x" } } }),
    );
    expect(locked.status).toBe(400);

    const later = await c.campaigns.create(
      emailCampaign("Later", { send_strategy: { method: "static", datetime: "2026-06-01T10:00:00+00:00" } }),
    );
    await c.campaigns.send(later.data.id);
    expect((await c.campaigns.get(later.data.id)).data.attributes.status).toBe("Scheduled");
    await c.campaigns.cancelSend(later.data.id, "revert");
    const reverted = await c.campaigns.get(later.data.id);
    expect(reverted.data.attributes.status).toBe("Draft");
    expect(reverted.data.attributes.scheduled_at).toBeNull();
    await c.campaigns.send(later.data.id);
    await c.campaigns.cancelSend(later.data.id, "cancel");
    expect((await c.campaigns.get(later.data.id)).data.attributes.status).toBe("Cancelled");
    expect((await c.campaigns.getSendJob(later.data.id)).data.attributes.status).toBe("cancelled");

    const sms = await c.campaigns.create(smsCampaign("Text"));
    const smsStatus = await c.campaigns.list("sms", { filter: "any(status,['Draft','Sent'])" }).toArray();
    expect(smsStatus.map((x) => x.id)).toEqual([sms.data.id]);
    await expect(c.campaigns.getSendJob(sms.data.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
