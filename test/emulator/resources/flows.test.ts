import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError, type ValidationError } from "../../../src/client/errors.js";
import type { BodyOf } from "../../../src/client/typed.js";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator.js";
import { failure, ManualClock } from "./helpers.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function welcomeFlow(name: string, metricId: string, templateId: string): BodyOf<"create_flow"> {
  return {
    data: {
      type: "flow",
      attributes: {
        name,
        definition: {
          triggers: [{ type: "metric", id: metricId }],
          profile_filter: null,
          entry_action_id: "email-1",
          actions: [
            {
              temporary_id: "email-1",
              type: "send-email",
              links: { next: "delay-1" },
              data: {
                status: "draft",
                message: {
                  name: "Welcome email",
                  from_email: "hello@example.com",
                  from_label: "Store",
                  subject_line: "Welcome!",
                  template_id: templateId,
                },
              },
            },
            {
              temporary_id: "delay-1",
              type: "time-delay",
              links: { next: "sms-1" },
              data: { unit: "days", value: 2 },
            },
            {
              temporary_id: "sms-1",
              type: "send-sms",
              links: { next: null },
              data: { status: "draft", message: { name: "Nudge", body: "Come back!" } },
            },
          ],
        },
      },
    },
  };
}

describe("emulated flows", () => {
  it("creates a flow from an encoded definition and walks its actions and messages", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const metric = emu.store.metricByName("Placed Order");
    const template = await c.templates.create({
      data: {
        type: "template",
        attributes: { name: "Welcome", editor_type: "CODE", html: "<p>Welcome</p>" },
      },
    });
    const created = await c.flows.create(welcomeFlow("Welcome series", metric.id, template.data.id));
    const flow = created.data;
    expect(flow.attributes).toMatchObject({
      name: "Welcome series",
      status: "draft",
      trigger_type: "Metric",
    });
    const def = flow.attributes.definition;
    const actionIds = def?.actions.map((a) => a.id) ?? [];
    expect(actionIds).toHaveLength(3);
    expect(def?.entry_action_id).toBe(actionIds[0]);
    expect(def?.actions[0]).toMatchObject({ type: "send-email", links: { next: actionIds[1] } });
    expect(def?.actions[1]).toMatchObject({ type: "time-delay", links: { next: actionIds[2] } });
    expect(JSON.stringify(def)).not.toContain("temporary_id");

    const listed = await c.flows.list({ include: ["flow-actions"] }).first();
    expect(listed.data.map((f) => f.id)).toEqual([flow.id]);
    expect(listed.data[0]?.attributes).not.toHaveProperty("definition");
    expect(listed.included.map((r) => r.id)).toEqual(actionIds);
    const got = await c.flows.get(flow.id, { "additional-fields[flow]": ["definition"] });
    expect(got.data.attributes.definition?.actions.map((a) => a.id)).toEqual(actionIds);
    const plain = await c.flows.get(flow.id);
    expect(plain.data.attributes).not.toHaveProperty("definition");

    const actions = await c.flows.actions(flow.id, { sort: "-action_type" }).toArray();
    expect(actions.map((a) => (a.attributes.definition as { type: string }).type)).toEqual([
      "time-delay",
      "send-sms",
      "send-email",
    ]);
    const sends = await c.flows
      .actions(flow.id, { filter: "any(action_type,['send-email','send-sms'])" })
      .toArray();
    expect(sends).toHaveLength(2);
    const actionIdsRel = await c.call("get_action_ids_for_flow", { path: { id: flow.id } });
    expect(actionIdsRel.data.map((r) => r.id).sort()).toEqual([...actionIds].sort());

    const emailAction = await c.flows.getAction(actionIds[0] ?? "", { include: ["flow", "flow-messages"] });
    expect(emailAction.included?.map((r) => r.type).sort()).toEqual(["flow", "flow-message"]);
    const flowOfAction = await c.call("get_flow_for_flow_action", { path: { id: actionIds[0] ?? "" } });
    expect(flowOfAction.data?.id).toBe(flow.id);
    const flowIdOfAction = await c.call("get_flow_id_for_flow_action", { path: { id: actionIds[0] ?? "" } });
    expect(flowIdOfAction.data?.id).toBe(flow.id);

    const messages = await c.flows.messages(actionIds[0] ?? "").toArray();
    expect(messages).toHaveLength(1);
    const message = messages[0];
    expect(message?.attributes.channel).toBe("email");
    const byName = await c.flows
      .messages(actionIds[0] ?? "", { filter: "starts-with(name,'Welcome')" })
      .toArray();
    expect(byName).toHaveLength(1);
    const messageIds = await c.call("get_message_ids_for_flow_action", { path: { id: actionIds[2] ?? "" } });
    expect(messageIds.data).toHaveLength(1);
    const smsMessage = await c.flows.getMessage(messageIds.data[0]?.id ?? "");
    expect(smsMessage.data.attributes.channel).toBe("sms");

    const withTemplate = await c.flows.getMessage(message?.id ?? "", {
      include: ["flow-action", "template"],
    });
    expect(withTemplate.included?.map((r) => r.type).sort()).toEqual(["flow-action", "template"]);
    const actionOfMessage = await c.call("get_action_for_flow_message", { path: { id: message?.id ?? "" } });
    expect(actionOfMessage.data?.id).toBe(actionIds[0]);
    const actionIdOfMessage = await c.call("get_action_id_for_flow_message", {
      path: { id: message?.id ?? "" },
    });
    expect(actionIdOfMessage.data?.id).toBe(actionIds[0]);
    const templateOfMessage = await c.call("get_template_for_flow_message", {
      path: { id: message?.id ?? "" },
    });
    expect(templateOfMessage.data?.id).toBe(template.data.id);
    const templateIdOfMessage = await c.call("get_template_id_for_flow_message", {
      path: { id: message?.id ?? "" },
    });
    expect(templateIdOfMessage.data?.id).toBe(template.data.id);

    const idBad = welcomeFlow("Bad", metric.id, template.data.id);
    const firstAction = idBad.data.attributes.definition.actions[0];
    if (firstAction) Object.assign(firstAction, { id: "123" });
    const err = await failure<ValidationError>(c.flows.create(idBad));
    expect(err.pointer).toBe("/data/attributes/definition/actions/0/id");
  });

  it("updates the status of a flow and its actions, edits and deletes actions, tags and deletes flows", async () => {
    const clock = new ManualClock();
    emu = await startTestEmulator({ clock });
    const c = emu.client();
    const metric = emu.store.metricByName("Started Checkout");
    const a = await c.flows.create(welcomeFlow("Abandoned cart", metric.id, "NOTPL1"));
    clock.advance(1000);
    const b = await c.flows.create(welcomeFlow("Browse abandonment", metric.id, "NOTPL1"));
    const live = await c.flows.updateStatus(a.data.id, "live");
    expect(live.data.attributes.status).toBe("live");
    const actions = await c.flows.actions(a.data.id, { filter: "equals(status,'live')" }).toArray();
    expect(actions).toHaveLength(2);
    const bad = await failure<ValidationError>(c.flows.updateStatus(a.data.id, "paused" as "live"));
    expect(bad.pointer).toBe("/data/attributes/status");

    const filtered = await c.flows.list({ filter: "equals(status,'live')" }).toArray();
    expect(filtered.map((f) => f.id)).toEqual([a.data.id]);
    const named = await c.flows
      .list({ filter: "contains(name,'abandon'),equals(trigger_type,'Metric')", sort: "-name" })
      .toArray();
    expect(named.map((f) => f.attributes.name)).toEqual(["Browse abandonment", "Abandoned cart"]);
    const paged = await c.flows.list({ "page[size]": 1, sort: "created" }).toArray();
    expect(paged.map((f) => f.id)).toEqual([a.data.id, b.data.id]);

    const delayId = a.data.attributes.definition?.actions[1]?.id ?? "";
    const updated = await c.call("update_flow_action", {
      path: { id: delayId },
      body: {
        data: {
          type: "flow-action",
          id: delayId,
          attributes: { definition: { type: "time-delay", data: { unit: "hours", value: 6 } } },
        },
      },
    });
    expect(updated.data.attributes.definition).toMatchObject({
      id: delayId,
      data: { unit: "hours", value: 6 },
    });
    const smsId = a.data.attributes.definition?.actions[2]?.id ?? "";
    const smsEdit = await c.call("update_flow_action", {
      path: { id: smsId },
      body: {
        data: {
          type: "flow-action",
          id: smsId,
          attributes: { definition: { type: "send-sms", data: { message: { body: "Still there?" } } } },
        },
      },
    });
    const smsMsgId = (smsEdit.data.attributes.definition as { data: { message: { id: string } } }).data
      .message.id;
    expect(smsEdit.data.attributes.definition).toMatchObject({
      data: { status: "live", message: { name: "Nudge" } },
    });
    expect((await c.flows.getMessage(smsMsgId)).data.attributes.definition).toMatchObject({
      body: "Still there?",
    });
    await c.call("delete_flow_action", { path: { id: delayId } });
    await expect(c.flows.getAction(delayId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await c.flows.actions(a.data.id).toArray()).map((x) => x.id)).not.toContain(delayId);

    const tag = await c.tags.create({ data: { type: "tag", attributes: { name: "Lifecycle" } } });
    await c.tags.tagFlows(tag.data.id, [a.data.id, b.data.id]);
    const tags = await c.call("get_tags_for_flow", { path: { id: a.data.id } });
    expect(tags.data.map((t) => t.attributes.name)).toEqual(["Lifecycle"]);
    const tagIds = await c.call("get_tag_ids_for_flow", { path: { id: a.data.id } });
    expect(tagIds.data).toEqual([{ type: "tag", id: tag.data.id }]);
    const withTags = await c.flows.get(a.data.id, { include: ["tags"] });
    expect(withTags.included?.[0]).toMatchObject({ type: "tag", id: tag.data.id });

    await c.flows.delete(a.data.id);
    await expect(c.flows.get(a.data.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.flows.getAction(smsId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.flows.getMessage(smsMsgId)).rejects.toBeInstanceOf(NotFoundError);
    const stillTagged = await c.call("get_flow_ids_for_tag", { path: { id: tag.data.id } });
    expect(stillTagged.data).toEqual([{ type: "flow", id: b.data.id }]);
  });
});
