const m = new Map([['a', 1], ['b', 2]]);
for (const k of m.keys()) console.log('k', k);
for (const v of m.values()) console.log('v', v);
