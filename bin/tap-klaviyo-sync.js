#!/usr/bin/env node
// `klaviyo-sync singer tap` under the single-executable name Singer runners (Meltano) call:
// tap-klaviyo-sync --config tap.json [--catalog catalog.json] [--state state.json] | --discover
process.argv.splice(2, 0, "singer", "tap");
require("./klaviyo-sync.js");
