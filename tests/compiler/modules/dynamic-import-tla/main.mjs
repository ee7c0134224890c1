// import() of a file that awaits at its top level waits for it; a failing one rejects,
// and the same error comes again on the next import()
console.log('main start');
const m = await import('./waits.mjs');
console.log('got', m.value);
for (let i = 0; i < 2; i++) {
  try {
    await import('./fails.mjs');
  } catch (e) {
    console.log('failed', i, e.message);
  }
}
const [a, b] = await Promise.all([import('./waits.mjs'), import('./waits.mjs')]);
console.log('same', a === m && b === m);
