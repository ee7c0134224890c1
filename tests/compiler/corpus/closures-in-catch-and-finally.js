const fns = [];
for (const x of [1, 2]) {
  try { throw x; } catch (e) { fns.push(() => 'c' + e); } finally { fns.push(() => 'f' + x); }
}
console.log(fns.map(f => f()).join());
