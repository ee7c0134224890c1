const obj = { prefix: '>', tag(s, v) { return this.prefix + s[0] + v; } };
console.log(obj.tag`x${1}`);
const arr = [(s) => 'first:' + s[0]];
console.log(arr[0]`y`);
