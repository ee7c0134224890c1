async function* inner() { yield 'i1'; await null; yield 'i2'; return 'iret'; }
async function* outer() { const r = yield* inner(); yield r; yield* ['s1', 's2']; }
(async () => { const out = []; for await (const v of outer()) out.push(v); console.log(out.join()); })();
