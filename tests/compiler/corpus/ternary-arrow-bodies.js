const pick = (c) => c ? x => x + 1 : x => x - 1;
console.log(pick(true)(1), pick(false)(1));
const cmp = (a, b) => a < b ? -1 : a > b ? 1 : 0;
console.log([3, 1, 2].sort(cmp));
