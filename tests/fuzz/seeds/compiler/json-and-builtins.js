const data = { users: [{ name: 'a', age: 1 }, { name: 'b', age: 2 }] };
const names = data.users.map(({ name }) => name);
const total = data.users.reduce((s, { age }) => s + age, 0);
console.log(JSON.stringify({ names, total }));
const entries = Object.entries({ x: 1, y: 2 }).map(([k, v]) => `${k}=${v}`).join('&');
console.log(entries);
console.log(Object.fromEntries([['a', 1], ['b', 2]]));
