#!/usr/bin/env bash
# Packs what a live run (duetsim serve-gpu, issue 15) needs on a GPU host that has no Node.js, into
# .live-carry/ (git-ignored; name it in the device tool's `carry`): this machine's node (xz), the compiled
# dist/ and the runtime packages only (commander, d3-array, seedrandom, yaml and their own dependencies;
# not typescript or the report page's vega bundles), each as an xz tarball, well under the carry limit.
# Also the four N-API headers and node-addon-api, to build the addon there (cuda/build-addon.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build >/dev/null
mkdir -p .live-carry
xz -T0 -6 -c "$(command -v node)" > .live-carry/node.xz
tar -cJf .live-carry/dist.tar.xz dist package.json
runtime=$(node -e '
const seen = new Set();
const walk = (n) => { if (seen.has(n)) return; seen.add(n); const p = require(`./node_modules/${n}/package.json`); for (const d of Object.keys(p.dependencies ?? {})) walk(d); };
for (const d of ["commander", "d3-array", "seedrandom", "yaml"]) walk(d);
console.log([...seen].map((n) => `node_modules/${n}`).join(" "));')
tar -cJf .live-carry/node_modules.tar.xz $runtime
mkdir -p .live-carry/include .live-carry/node-addon-api
cp /usr/include/node/js_native_api.h /usr/include/node/js_native_api_types.h /usr/include/node/node_api.h /usr/include/node/node_api_types.h .live-carry/include/
cp node_modules/node-addon-api/*.h node_modules/node-addon-api/package.json .live-carry/node-addon-api/
du -sh .live-carry/*
