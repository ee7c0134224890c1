let i = 0, out = [];
outer: while (i < 3) {
  i++;
  let j = 0;
  while (j < 3) { j++; if (j === 2) continue outer; out.push(`${i}.${j}`); }
}
console.log(out.join(' '));
