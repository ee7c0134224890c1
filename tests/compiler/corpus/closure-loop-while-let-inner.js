const fs = [];
let n = 0;
while (n < 4) {
  let sq = n * n;
  fs.push(() => sq);
  n++;
}
console.log(fs.map(f => f()));
do { let once = 'x'; fs.length = 0; fs.push(() => once); } while (false);
console.log(fs[0]());
