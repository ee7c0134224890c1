const fmt = (n) => n.toFixed(2);
const items = [{ n: 'x', p: 1.5 }, { n: 'y', p: 2 }];
console.log(`Items:\n${items.map(i => `- ${i.n}: $${fmt(i.p)}`).join('\n')}\nTotal: ${fmt(items.reduce((s, i) => s + i.p, 0))}`);
