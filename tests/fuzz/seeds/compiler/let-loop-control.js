function find(xs, t) {
  for (let i = 0; i < xs.length; i++) {
    const f = () => xs[i];
    if (f() === t) return i;
    if (xs[i] < 0) break;
    if (xs[i] === 0) continue;
  }
  return -1;
}
console.log(find([3, 4, 5], 5), find([1, -1, 5], 5), find([0, 0, 7], 7));
outer: for (let i = 0; i < 3; i++) {
  for (let j = 0; j < 3; j++) {
    const g = () => i + j;
    if (j === 1) continue outer;
    if (i === 2) break outer;
    console.log('ij', i, j, g());
  }
}
let count = 0;
do { let c = count; setTimeout(() => console.log('later', c), 0); count++; } while (count < 2);
