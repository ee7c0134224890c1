const fns = [];
for (const v of [1, 2]) { try { throw new Error('e' + v); } catch (err) { fns.push(() => err.message); } }
console.log(fns.map(f => f()).join());
