// Regenerates corpus.expected from corpus.js with Node (the reference): each program (a
// chunk after a "//// name" line) runs after prelude.js in a fresh context.
// Usage: node tests/js/regexp/run-node.js > tests/js/regexp/corpus.expected
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const dir = __dirname;
const prelude = fs.readFileSync(path.join(dir, 'prelude.js'), 'utf8');
const corpus = fs.readFileSync(path.join(dir, 'corpus.js'), 'utf8');
const chunks = corpus.split(/^\/\/\/\/ /m).slice(1);
let out = '';
for (const chunk of chunks) {
  const nl = chunk.indexOf('\n');
  const name = chunk.slice(0, nl).trim();
  const body = chunk.slice(nl + 1);
  const lines = [];
  const ctx = vm.createContext({ console: { log: (s) => lines.push(String(s)) } });
  try {
    vm.runInContext(prelude + '\n' + body, ctx);
  } catch (e) {
    lines.push('uncaught ' + e.name + ': ' + e.message);
  }
  out += '//// ' + name + '\n' + lines.map((l) => l + '\n').join('');
}
process.stdout.write(out);
