console.log('abc'.padStart(6, '12'), 'abc'.padEnd(5, '.'), '  x  '.trimStart() + '|', 'ab'.repeat(3));
console.log('hello'.startsWith('he'), 'hello'.endsWith('lo'), 'hello'.includes('ll'), 'a-b-c'.replaceAll('-', '+'));
console.log('abc'.at(-1), [..."xyz"].reverse().join(''), String.fromCodePoint(65, 66));
