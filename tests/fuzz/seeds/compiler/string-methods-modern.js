console.log('abc'.padStart(5, '-'), 'abc'.padEnd(5, '.'), ' x '.trim(), 'ab'.repeat(2), 'abc'.startsWith('a'), 'abc'.includes('b'));
console.log([1, 2, 3].includes(2), [1, 2, 3].find(x => x > 1), [1, 2, 3].findIndex(x => x > 1));
