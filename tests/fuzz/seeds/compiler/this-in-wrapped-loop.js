const o = {
  items: [1, 2],
  mult: 10,
  run() { const out = []; for (const i of this.items) { out.push(() => i * this.mult); } return out.map(f => f()); },
  args() { const out = []; for (let i = 0; i < 2; i++) { out.push(() => arguments[i]); } return out.map(f => f()); },
};
console.log(o.run(), o.args('a', 'b'));
