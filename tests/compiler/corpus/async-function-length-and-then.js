async function f(a, b) { return a + b; }
console.log(f.length);
f(1, 2).then(v => console.log('sum', v));
