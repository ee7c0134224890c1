outer: for (var i = 0; i < 3; i++) {
  inner: for (var j = 0; j < 3; j++) {
    if (j === 1) continue outer;
    if (i === 2) break outer;
    console.log(i, j);
  }
}
block: { console.log('in block'); if (true) break block; console.log('never'); }
function sw(x) {
  switch (x) {
    case 1: { let y = 'one'; return y; }
    case 2: const z = 'two'; return z;
    default: return 'other';
  }
}
console.log(sw(1), sw(2), sw(3));
