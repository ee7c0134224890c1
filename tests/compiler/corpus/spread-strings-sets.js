console.log([...'hello'].join('-'));
console.log([...new Set('mississippi')].join(''));
console.log(Math.min(...[5, 2, 8]));
const nested = [[1, 2], [3]];
console.log([].concat(...nested), [...nested[0], ...nested[1]]);
