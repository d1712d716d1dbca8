/** The Klaviyo emulator, for tests and local rehearsal: `import { startEmulator } from "klaviyo-sync/emulator"`. */

export type { FaultConfig, FaultPlanStep } from "./faults.js";
export type { SeedOptions, SeedSummary } from "./seed.js";
export { type Emulator, type EmulatorKey, type EmulatorOptions, startEmulator } from "./server.js";
