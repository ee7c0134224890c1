const users = [{ name: 'a', info: { age: 3 } }, { name: 'b', info: {} }];
console.log(users.map(({ name, info: { age = 0 } }) => `${name}:${age}`).join());
const pairs = [[1, 'one'], [2, 'two']];
console.log(pairs.map(([n, w]) => w + n).join());
