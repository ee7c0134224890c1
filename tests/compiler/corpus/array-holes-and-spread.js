const a = [1, , 3];
console.log(a.length, 1 in a, [...a], [...a].length);
const [x, , z] = a;
console.log(x, z);
console.log([, 'x'].length, [,].length);
