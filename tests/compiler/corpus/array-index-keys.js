// Number keys on arrays that are not array indices (NaN, -0, fractions, 2^32, negative,
// infinities) name ordinary properties, read and written as their strings.
var a = [1, 2, 3];
console.log([][[] / []], a[0 / 0], a[-0], a[1.5], a[4294967296], a[-1], a[1e300], a[Infinity]);
a[NaN] = 'n'; a[-1] = 'm'; a[4294967295] = 'big'; a[1.5] = 'f'; a[Infinity] = 'i';
console.log(a.length, JSON.stringify(Object.keys(a)), a.NaN, a['-1'], a[4294967295], a['1.5'], a.Infinity);
