const o = { 1: 'a', [1 + 1]: 'b', 0x10: 'c', 1.5: 'd', [`k${3}`]: 'e' };
console.log(Object.keys(o).join(), o[16], o['1.5'], o.k3);
