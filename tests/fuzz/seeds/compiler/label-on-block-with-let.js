blk: {
  let x = 1;
  const f = () => x;
  if (f() === 1) break blk;
  console.log('unreached');
}
console.log('out');
