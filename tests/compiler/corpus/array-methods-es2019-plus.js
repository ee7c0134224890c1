const nested = [1, [2, [3, [4]]]];
console.log(nested.flat(), nested.flat(Infinity), [1, 2].flatMap(x => [x, x * 10]));
console.log([5, 1, 4].at(-1), Array.from({ length: 3 }, (_, i) => i * i), [3, 1, 2].findLast(x => x > 1));
console.log(Object.fromEntries([['a', 1], ['b', 2]]), [1, 2, 3].includes(NaN), [NaN].includes(NaN));
