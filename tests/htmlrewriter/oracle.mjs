// Runs one case under Node with lol-html (through @miniflare/html-rewriter, the
// HTMLRewriter of Cloudflare's local simulator) as HTMLRewriter and miniflare's Response as
// Response, to produce NAME.expected. Test tooling only: the packages are installed outside
// the tree, e.g.
//   mkdir /tmp/hro && cd /tmp/hro && npm install @miniflare/html-rewriter@2.14.4 @miniflare/core@2.14.4
// then  HTMLREWRITER_ORACLE=/tmp/hro node tests/htmlrewriter/oracle.mjs SCRIPT.js, where
// SCRIPT.js is prelude.js followed by a case (run.py --regen does this for every case).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = process.env.HTMLREWRITER_ORACLE || '/tmp/hro';
const require = createRequire(path.join(path.resolve(dir), 'package.json'));
globalThis.HTMLRewriter = require('@miniflare/html-rewriter').HTMLRewriter;
globalThis.Response = require('@miniflare/core').Response;
const file = path.resolve(process.argv[2]);
// The case is a plain script: evaluated as CommonJS (no package.json "type" around it).
require(file);
