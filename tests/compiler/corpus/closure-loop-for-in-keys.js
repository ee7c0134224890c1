const obj = { a: 1, b: 2, c: 3 };
const getters = [];
for (const key in obj) getters.push(() => `${key}=${obj[key]}`);
obj.b = 20;
console.log(getters.map(g => g()).join(', '));
