/**
 * The rows a baseline sends: what the warehouse query of the klaviyo-sync workload returns for
 * row i (the models in ../load-throughput.ts build the same values in SQL), made in memory, so a
 * baseline pays nothing for reading a model (klaviyo-sync reads its model from DuckDB, twice).
 *
 * `domain` keeps a baseline's profiles apart from those klaviyo-sync creates on the same emulator.
 */
const CITIES = ["Boston", "Paris", "Berlin", "Madrid", "Tokyo", "Lima"];
const COUNTRIES = ["US", "FR", "DE", "ES", "JP", "PE"];

export interface CustomerRow {
  customer_id: number;
  email: string;
  first_name: string;
  last_name: string;
  city: string;
  country: string;
  ltv: number;
  tier: string;
  signed_up_at: Date;
}

export function customer(i: number, domain = "example.com"): CustomerRow {
  return {
    customer_id: i,
    email: `customer${i}@${domain}`,
    first_name: `First${i % 997}`,
    last_name: `Last${i % 4999}`,
    city: CITIES[i % 6] as string,
    country: COUNTRIES[i % 6] as string,
    ltv: Math.round((i % 10007) * 137) / 100,
    tier: i % 3 === 0 ? "gold" : "silver",
    signed_up_at: new Date(Date.UTC(2024, 0, 1) + i * 31_000),
  };
}

export interface OrderRow {
  order_id: number;
  email: string;
  ordered_at: Date;
  amount: number;
  sku: string;
  quantity: number;
}

/** Order i of a model of `rows` orders (one buyer per five orders). */
export function order(i: number, rows: number, domain = "example.com"): OrderRow {
  return {
    order_id: i,
    email: `buyer${i % Math.max(1, Math.floor(rows / 5))}@${domain}`,
    ordered_at: new Date(Date.UTC(2025, 0, 1) + i * 7000),
    amount: Math.round(500 + (i % 997) * 13) / 100,
    sku: `SKU-${i % 500}`,
    quantity: 1 + (i % 5),
  };
}

/** The email of list member i (the profiles exist before the run). */
export function memberEmail(i: number): string {
  return `member${i}@example.com`;
}
