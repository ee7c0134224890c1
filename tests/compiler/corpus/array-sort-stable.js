const r = [];
let seed = 7; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (let n of [0, 1, 2, 7, 8, 9, 16, 17, 100, 1000]) {
  const a = []; for (let i = 0; i < n; i++) a.push({ k: Math.floor(rnd() * 10), i });
  const got = a.slice().sort((x, y) => x.k - y.k).map((o) => o.k + ':' + o.i);
  const ref = (n <= 200 ? a : []).map((o, i) => [o, i]); // reference: insertion sort, stable
  for (let i = 1; i < ref.length; i++) for (let j = i; j > 0 && ref[j - 1][0].k > ref[j][0].k; j--) [ref[j - 1], ref[j]] = [ref[j], ref[j - 1]];
  r.push(n + ' ' + (n > 200 || got.join() === ref.map(([o]) => o.k + ':' + o.i).join()) + ' ' + got.slice(0, 12).join(','));
  r.push(a.map((o) => o.k).sort().join('').slice(0, 60));
}
console.log(r.join('\n'));
console.log([3, 1, undefined, 2, , 10].sort(), [3, 1, undefined, 2, , 10].sort((a, b) => b - a), [, , 1].sort().length);
const sparse = [5, , 3, , 1]; sparse.sort(); console.log(sparse, 1 in sparse, 3 in sparse, 4 in sparse, sparse.length);
console.log(['b', 'a', 'é', 'e', '😀', '\uffff', 'B', '10', '9', 1, null, true].sort());
const obj = { 0: 'c', 1: 'a', 2: 'b', length: 3 }; Array.prototype.sort.call(obj); console.log(JSON.stringify(obj));
try { [1, 2].sort(1); } catch (e) { console.log(e.name); }
try { [2, 1].sort((a, b) => { throw new Error('boom'); }); } catch (e) { console.log(e.message); }
console.log([5, 1, 4].sort((a, b) => NaN), [5, 1, 4].sort(() => 0), [1, 2, 3].sort((a, b) => b > a ? 1 : -1));
const arr = [3, 2, 1]; console.log(arr.sort() === arr, [3, 2, 1].toSorted(), Array.prototype.sort.length, Array.prototype.sort.name);
const frozen = Object.freeze([2, 1]); try { frozen.sort(); } catch (e) { console.log(e.name); }
const log = []; [3, 1, 2].sort((a, b) => { log.push(a + '' + b); return a - b; }); console.log(log.length > 0);
const big = []; for (let i = 0; i < 20000; i++) big.push((i * 7919) % 20000); big.sort((a, b) => a - b); console.log(big[0], big[19999], big.every((v, i) => v === i));
