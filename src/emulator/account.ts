import type { EmulatorStore } from "./store/store.js";

/** Every emulated account has its one account record. */
export function ensureAccount(store: EmulatorStore): void {
  if (store.accounts.size > 0) return;
  store.accounts.insert({
    id: "EMU001",
    attributes: {
      test_account: true,
      contact_information: {
        default_sender_name: "Emulated Store",
        default_sender_email: "hello@emulated-store.test",
        website_url: "https://emulated-store.test",
        organization_name: "Emulated Store",
        street_address: {
          address1: "1 Emulator Way",
          address2: "",
          city: "Boston",
          region: "MA",
          country: "US",
          zip: "02110",
        },
      },
      industry: "Retail",
      timezone: "America/New_York",
      preferred_currency: "USD",
      public_api_key: "EmU001",
      locale: "en-US",
    },
  });
}
