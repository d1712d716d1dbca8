import type { Command } from "commander";
import { AuthenticationError, NetworkError, PermissionError } from "../../client/errors.js";
import { REVISION } from "../../client/revision.js";
import { redact } from "../../util/redact.js";
import { clientFromCli } from "../client.js";
import { EXIT, exitCodeFor } from "../errors.js";
import type { CliContext, GlobalOptions } from "../main.js";

interface AccountResource {
  id: string;
  attributes?: {
    test_account?: boolean;
    contact_information?: { organization_name?: string; default_sender_email?: string };
    timezone?: string;
    preferred_currency?: string;
    public_api_key?: string;
  };
}

export function registerCheckCommand(program: Command, ctx: CliContext): void {
  program
    .command("check")
    .description("Verify the API key against GET /api/accounts and print the account it belongs to.")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nExit codes: 0 connected; 2 configuration problem (no key, wrong kind of key, bad URL); 3 key rejected or missing scope (accounts:read); 5 Klaviyo unreachable or failing.",
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const global = cmd.optsWithGlobals() as GlobalOptions;
      const client = clientFromCli(ctx, global, { retry: { maxRetries: 2 }, timeoutMs: 15_000 });
      try {
        const body = await client.request("GET", "/api/accounts");
        const account = (body as { data?: AccountResource[] }).data?.[0];
        if (!account) {
          ctx.output.err("error: the key was accepted but GET /api/accounts returned no account.");
          ctx.exitCode = EXIT.api;
          return;
        }
        const a = account.attributes ?? {};
        const result = {
          ok: true,
          baseUrl: client.baseUrl,
          revision: REVISION,
          account: {
            id: account.id,
            name: a.contact_information?.organization_name ?? null,
            testAccount: a.test_account ?? null,
            timezone: a.timezone ?? null,
            currency: a.preferred_currency ?? null,
          },
        };
        if (opts.json) ctx.output.out(JSON.stringify(result, null, 2));
        else {
          ctx.output.out(
            `OK: connected to Klaviyo account "${result.account.name ?? account.id}" (id ${account.id}${a.test_account ? ", test account" : ""}) at ${client.baseUrl}, API revision ${REVISION}.`,
          );
        }
      } catch (err) {
        ctx.exitCode = exitCodeFor(err);
        const message = err instanceof Error ? err.message : String(err);
        let hint = "";
        if (err instanceof AuthenticationError) hint = "The API key was rejected. ";
        else if (err instanceof PermissionError) hint = "The key works but lacks the accounts:read scope. ";
        else if (err instanceof NetworkError) hint = `Could not reach ${client.baseUrl}. `;
        if (opts.json)
          ctx.output.out(
            JSON.stringify({ ok: false, baseUrl: client.baseUrl, error: redact(message) }, null, 2),
          );
        ctx.output.err(redact(`error: ${hint}${message}`));
      } finally {
        await client.close();
      }
    });
}
