function* ids(prefix) { let n = 0; while (true) yield `${prefix}-${++n}`; }
const gen = ids('req');
const taken = [];
for (const id of gen) { taken.push(id); if (taken.length === 3) break; }
console.log(taken, JSON.stringify(gen.next()));
