const { a, b: renamed, ...rest } = { a: 1, b: 2, c: 3, d: 4 };
console.log(a, renamed, rest);
const key = 'c';
const { [key]: cval, ...others } = { c: 'C', d: 'D' };
console.log(cval, others);
const { ...all } = { p: 1 };
console.log(all);
