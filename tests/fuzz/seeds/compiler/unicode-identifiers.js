const café = 'coffee', \u0061bc = 'abc', π = Math.PI;
console.log(café, abc, π.toFixed(2));
const obj = { ñ: 1, 'ü': 2 };
console.log(obj.ñ + obj['ü']);
console.log('\u{1F600}'.length, '\u{41}');
