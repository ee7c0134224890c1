class Vec { constructor(...c) { this.c = c; } get len() { return Math.hypot(...this.c); } }
const coords = [3, 4];
const v = new Vec(...coords);
const w = new Vec(...coords, ...[12]);
console.log(v.len, w.len, new Vec().len);
