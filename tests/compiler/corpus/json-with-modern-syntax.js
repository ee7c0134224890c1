const data = { users: [{ name: 'a', roles: ['x'] }, { name: 'b', roles: [] }], meta: { count: 2 } };
const text = JSON.stringify(data, (k, v) => (Array.isArray(v) && v.length === 0 ? undefined : v), 1);
console.log(text.split('\n').length);
const back = JSON.parse(text, (k, v) => (k === 'count' ? v * 10 : v));
console.log(back.meta.count, back.users[1].roles ?? 'no roles', back.users.map(({ name }) => name).join(''));
