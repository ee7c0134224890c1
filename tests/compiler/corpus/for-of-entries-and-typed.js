const arr = ['x', 'y'];
for (const [i, v] of arr.entries()) console.log(i, v);
for (const b of new Uint8Array([250, 5])) console.log(b);
for (const [k, v] of Object.entries({ one: 1, two: 2 })) console.log(k, v * 2);
