/** Airbyte and Singer adapters: the extract streams as a source/tap, the load actions as a destination/target. */
export {
  airbyteWrite,
  destinationDiscoverMessage,
  destinationSpecMessage,
  loadStreams,
} from "./airbyte/destination.js";
export * from "./airbyte/messages.js";
export { airbyteRead, airbyteStream, sourceCatalogMessage, sourceSpecMessage } from "./airbyte/source.js";
export { checkConnection } from "./check.js";
export {
  configJsonSchema,
  type DestinationConfig,
  parseDestinationConfig,
  parseSourceConfig,
  type SourceConfig,
} from "./config.js";
export { EmitTarget } from "./emit-target.js";
export { OrderedSink } from "./extract.js";
export { JsonLineWriter, type LineSink, MemorySink, readJsonLines } from "./io.js";
export { ProtocolLoader } from "./load.js";
export { destinationOperations } from "./operations.js";
export { parseSingerState, selectedStreams, singerCatalog } from "./singer/catalog.js";
export { singerTap } from "./singer/tap.js";
export { singerTarget } from "./singer/target.js";
