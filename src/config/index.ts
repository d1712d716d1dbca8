/** Extract configuration: the YAML file, the CLI flags, and the value parsers they share. */
export { type ExpandedVar, type Expansion, expandEnv } from "./env.js";
export { type ExtractConfigOptions, loadExtractConfig, parseExtractConfig } from "./extract.js";
export { type QuickConfigOptions, type QuickFlags, quickExtractConfig } from "./quick.js";
export type { ExtractConfig, StreamSettings } from "./resolve.js";
export { closest, didYouMean, editDistance } from "./suggest.js";
export {
  checkTarget,
  durationMs,
  type FileFormat,
  isStartDate,
  parseDuration,
  parseTarget,
  type TargetSpec,
} from "./values.js";
