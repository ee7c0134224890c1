const log = [];
const k = (v) => (log.push(String(v)), v);
const sym = Symbol('s');
const o = { [k('b')]: 1, [k(2)]: 2, [k('a')]: 3, [k(sym)]: 4, [k(1)]: 5 };
console.log(Object.keys(o), log.join(','), o[sym]);
const prefix = 'get';
const api = { [`${prefix}User`]() { return 'user'; }, [prefix + 'Id']: () => 7 };
console.log(api.getUser(), api.getId());
