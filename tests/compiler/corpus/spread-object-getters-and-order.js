const log = [];
const src = { get a() { log.push('a'); return 1; }, b: 2 };
const merged = { b: 0, ...src, c: 3, ...null, ...undefined, ...'hi', ...[9] };
console.log(JSON.stringify(merged), log);
const sym = Symbol('s');
const withSym = { ...{ [sym]: 'symval', plain: 1 } };
console.log(withSym[sym], Object.keys(withSym));
