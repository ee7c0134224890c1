const out = [];
outer: for (let i = 0; i < 4; i++) {
  for (let j = 0; j < 4; j++) {
    out.push(() => `${i}${j}`);
    if (j === 1) { j += 1; continue; }
    if (i === 2) { i = 3; continue outer; }
  }
}
console.log(out.map(f => f()).join(' '));
function find(xs) {
  for (let k = 0; k < xs.length; k++) {
    const get = () => xs[k];
    if (get() < 0) { k = xs.length; return 'neg at end ' + k; }
    if (get() === 0) k++;
  }
  return 'none';
}
console.log(find([1, 0, 5, 2]), find([3, -1, 2]));
let later;
for (let n = 0; n < 3; n++) {
  if (n === 1) later = () => (n = 10);
}
console.log(later(), typeof n);
