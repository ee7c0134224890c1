try { for (const x of [1]) { x = 2; } } catch (e) { console.log(e.constructor.name); }
let ok = [];
for (let x of [1, 2]) { x *= 2; ok.push(x); }
console.log(ok);
