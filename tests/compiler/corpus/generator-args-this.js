function* g(a, b = 2, ...rest) { yield a; yield b; yield rest; yield this && this.tag; yield arguments.length; }
console.log([...g(1)]);
console.log([...g.call({tag: 'T'}, 1, 5, 6, 7)]);
const o = { tag: 'O', *m() { yield this.tag; } };
console.log([...o.m()]);
