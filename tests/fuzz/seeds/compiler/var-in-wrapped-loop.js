const fns = [];
for (let i = 0; i < 2; i++) { var last = i; fns.push(() => i); }
console.log(last, fns.map(f => f()));
