// A differential run of random patterns against Node, beyond the fixed corpus: builds
// patterns from a small grammar biased towards what the backtracking matcher runs
// (quantified groups with captures, empty alternatives, lookbehind, backreferences, astral
// characters), execs each on a short subject in Node and in tools/edgefn-js, and prints
// the cases whose results differ. Not part of CI (it needs a build); used to find bugs.
//
//   node tests/js/regexp/random-diff.js build/tools/edgefn-js [first-seed] [seeds] [depth]
//
// V8 can report an empty match starting inside a surrogate pair under u, which the
// specification (and this library) cannot; such differences are counted, not listed.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const tool = process.argv[2];
const first = +process.argv[3] || 1;
const count = +process.argv[4] || 10;
const depth = +process.argv[5] || 2;
if (!tool) {
  console.error('usage: random-diff.js EDGEFN_JS [first-seed] [seeds] [depth]');
  process.exit(2);
}

let seed = 1;
function rnd(n) {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return (seed >>> 16) % n;
}
const atoms = ['a', 'b', 'c', '.', '[ab]', '[^a]', '\\w', '\\d', 'A', '\\u{1F600}', '\\ud83d',
  '\\b', '^', '$', '\\B'];
let groups = 0;
function atom(d) {
  const r = rnd(12);
  if (d > depth || r < 5) return atoms[rnd(atoms.length)];
  if (r < 7) { groups++; return '(' + alt(d + 1) + ')'; }
  if (r < 8) return '(?:' + alt(d + 1) + ')';
  if (r < 9) return '(?=' + alt(d + 1) + ')';
  if (r < 10) return '(?!' + alt(d + 1) + ')';
  if (r < 11) return '(?<=' + alt(d + 1) + ')';
  return '(?<!' + alt(d + 1) + ')';
}
function quant(a) {
  if (/^(\\b|\^|\$|\\B|\(\?[=!<])/.test(a)) return a;
  return a + ['', '', '', '*', '+', '?', '{2}', '{1,3}', '*?', '+?', '??', '{0,2}?'][rnd(12)];
}
function seq(d) {
  let s = '';
  const n = 1 + rnd(3);
  for (let i = 0; i < n; i++) s += quant(atom(d));
  if (groups && rnd(6) === 0) s += '\\' + (1 + rnd(groups));
  return s;
}
function alt(d) {
  let s = seq(d);
  while (rnd(4) === 0) s += '|' + seq(d);
  return s;
}

const subjects = ['', 'a', 'ab', 'aab', 'abc', 'ba', 'abab', 'aAbB', 'a1b2', 'cab', 'a\u{1F600}b',
  '\ud83da', 'aaa', 'abcabc', 'a b', 'bca'];
const runner = `function esc(s) { var o = ''; for (var k = 0; k < s.length; k++) {
  var c = s.charCodeAt(k); o += c > 126 ? '\\\\u' + c.toString(16) : s.charAt(k); } return o; }
for (var i = 0; i < T.length; i++) {
  var r;
  try {
    var m = new RegExp(T[i][0], T[i][1]).exec(T[i][2]);
    r = m ? esc(JSON.stringify([m.index].concat(Array.prototype.slice.call(m)))) : 'null';
  } catch (e) { r = e.name; }
  console.log(i + ' ' + r);
}`;

let differ = 0, quirk = 0, total = 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'regexp-diff-'));
for (let s = first; s < first + count; s++) {
  seed = s;
  const cases = [];
  for (let i = 0; i < 400; i++) {
    groups = 0;
    const src = alt(0);
    const flags = ['', 'i', 'u', 'iu', 'm', 's', 'g', 'y'][rnd(8)];
    cases.push([src, flags, subjects[rnd(subjects.length)]]);
  }
  const prog = 'var T = ' + JSON.stringify(cases) + ';\n' + runner + '\n';
  const file = path.join(tmp, 'seed' + s + '.js');
  fs.writeFileSync(file, prog);
  const node = execFileSync(process.execPath, [file], { encoding: 'utf8' }).split('\n');
  const ours = execFileSync(tool, [file], { encoding: 'utf8' }).split('\n');
  for (let i = 0; i < cases.length; i++) {
    total++;
    if (node[i] === ours[i]) continue;
    const surrogate = cases[i][1].includes('u') && /[\ud800-\udbff][\udc00-\udfff]/.test(cases[i][2]) &&
      /^\d+ \[\d+,""/.test(node[i]);
    if (surrogate) { quirk++; continue; }
    differ++;
    console.log('seed ' + s + ' #' + i + ' ' + JSON.stringify(cases[i]));
    console.log('  node:     ' + node[i] + '\n  libedgefn: ' + ours[i]);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(total + ' patterns, ' + differ + ' differ, ' + quirk +
  ' differ only by V8 matching empty inside a surrogate pair under u');
process.exit(differ ? 1 : 0);
