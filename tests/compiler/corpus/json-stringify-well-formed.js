// JSON.stringify is well-formed (ES2019): a lone surrogate is written as a \uXXXX escape,
// a pair stays one character; replacer, space and undefined results are as before.
const hex = (s) => Array.from(s, (c) => c.codePointAt(0).toString(16)).join(' ');
console.log(JSON.stringify(['x\ud800', '\udc00y', 'a\udbff\udfffb', '\ud800\ud800', 'plain']));
console.log(hex(JSON.stringify('\ud83d\ude00')), JSON.stringify('\ud83d\ude00').length);
console.log(JSON.stringify({ ['k\udead']: '\udfff' }));
console.log(JSON.stringify({ a: [1, 'z\ud801'] }, null, 2));
console.log(JSON.stringify({ a: 1, b: '\udc00' }, ['b']), JSON.stringify({ a: '\ud800' }, (k, v) => (k ? v + '!' : v)));
console.log(String(JSON.stringify(undefined)), String(JSON.stringify(() => 1)), JSON.stringify(null));
console.log(JSON.parse(JSON.stringify('q\ud800')) === 'q\ud800', JSON.stringify.length, JSON.stringify.name);
