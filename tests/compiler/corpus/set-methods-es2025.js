// node >= 22 (the ES2025 Set methods)
const show = (s) => (s instanceof Set ? 'Set[' + [...s].map(String).join(',') + ']' : String(s));
const A = new Set([1, 2, 3, -0, 'a', NaN]);
const B = new Set([3, 4, 'a', 0, NaN]);
for (const m of ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom']) {
  console.log(m, Set.prototype[m].length, Set.prototype[m].name, show(A[m](B)), show(B[m](A)), show(A[m](new Set())), show(new Set()[m](A)));
}
console.log(new Set([1, 2]).isSubsetOf(new Set([1, 2, 3])), new Set([1, 2, 3]).isSupersetOf(new Set([1])), new Set([1]).isDisjointFrom(new Set([2])));
// set-like objects, with logging of the protocol
function setLike(arr, size, log) {
  return {
    get size() { log.push('size'); return size === undefined ? arr.length : size; },
    get has() { log.push('get has'); return (v) => { log.push('has ' + String(v)); return arr.includes(v); }; },
    get keys() {
      log.push('get keys');
      return () => {
        log.push('keys()');
        let i = 0;
        return {
          next() { log.push('next'); return i < arr.length ? { value: arr[i++], done: false } : { value: undefined, done: true }; },
          return() { log.push('return'); return {}; },
        };
      };
    },
  };
}
for (const m of ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom']) {
  for (const [arr, size] of [[[2, 5], undefined], [[1, 2, 3, 4, 5], undefined], [[1], 10], [[9, 8, 7, 6, 5, 4, 1], 1]]) {
    const log = [];
    const r = new Set([1, 2, 3])[m](setLike(arr, size, log));
    console.log(m, JSON.stringify(arr), size, show(r), log.join(' | '));
  }
}
const errs = [1, null, {}, { size: NaN, has() {}, keys() {} }, { size: -1, has() {}, keys() {} }, { size: 1, has: 1, keys() {} }, { size: 1, has() {}, keys: 2 },
  { size: '2', has() { return true; }, keys() { return 1; } }, { size: 0, has() {}, keys() { return { next() { return 5; } }; } }, { size: undefined, has() {}, keys() {} }, { size: Infinity, has() { return false; }, keys() {} }];
for (const o of errs) {
  const row = [];
  for (const m of ['union', 'intersection', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom']) {
    try { row.push(show(new Set([1])[m](o))); } catch (e) { row.push(e.constructor.name); }
  }
  console.log(row.join(' '));
}
try { Set.prototype.union.call(new Map(), new Set()); } catch (e) { console.log(e.constructor.name); }
try { Set.prototype.union.call({}, new Set()); } catch (e) { console.log(e.constructor.name); }
// mutation during has(): the walk sees additions and clears
const s = new Set([1, 2, 3]);
const seen = [];
console.log(show(s.intersection({ size: 100, has(v) { seen.push(v); if (v === 1) s.add(4); if (v === 3) s.delete(2); return v % 2 === 1; }, keys() {} })), seen.join());
const s2 = new Set([1, 2, 3]);
console.log(s2.isSubsetOf({ size: 10, has(v) { if (v === 1) s2.clear(); if (v === 1) s2.add(7); return true; }, keys() {} }), show(s2));
// result is a plain Set even for subclasses
class MySet extends Set {}
const r = new MySet([1]).union(new Set([2]));
console.log(r.constructor === Set, r instanceof MySet, show(r));
// Map as set-like
console.log(show(new Set(['a', 'x']).intersection(new Map([['a', 1], ['b', 2]]))));
console.log(show(new Set([0]).union({ size: 1, has() {}, keys() { return [-0][Symbol.iterator](); } })), Object.is([...new Set([1]).union({ size: 1, has() {}, keys() { return [-0][Symbol.iterator](); } })][1], 0));
