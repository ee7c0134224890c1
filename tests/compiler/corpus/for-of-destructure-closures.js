const fns = [];
for (const {id, tags: [t1 = 'none'] = []} of [{id: 1, tags: ['x']}, {id: 2}]) fns.push(() => `${id}:${t1}`);
console.log(fns.map(f => f()).join());
const m = new Map([['a', {v: 1}], ['b', {v: 2}]]);
for (const [k, {v}] of m) console.log(k, v);
