let count = 0;
const f = () => { count++; return null; };
const o = null;
console.log(o?.[f()], count);
console.log(o?.x(f()), count);
const p = { x: { y: () => 'yy' } };
console.log(p?.x?.y(f()), count);
