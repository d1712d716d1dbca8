#!/usr/bin/env node
// `klaviyo-sync singer target` under the single-executable name Singer runners (Meltano) call:
// target-klaviyo-sync --config target.json < singer-messages
process.argv.splice(2, 0, "singer", "target");
require("./klaviyo-sync.js");
