console.log((function (a = 1, b = a + 1) { return b; })());
try { const { p = q, q = 1 } = {}; } catch (e) { console.log('pattern', e.message); }
const { r = 1, s = r + 1 } = {};
console.log(r, s);
