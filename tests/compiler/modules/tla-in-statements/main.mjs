// top-level await inside loops with captured let, try/catch/finally, labels, switch, destructuring defaults, templates
const fns = [];
for (let i = 0; i < 3; i++) {
  await null;
  fns.push(() => i);
  if (i === 1) continue;
}
console.log(fns.map(f => f()));
try {
  await Promise.reject(new Error('x'));
} catch (e) {
  console.log('caught', e.message, await Promise.resolve('in catch'));
} finally {
  console.log('finally', await 5);
}
outer: for (const a of [1, 2, 3]) {
  for (const b of [1, 2]) {
    if (await (a * b) === 4) break outer;
    console.log(a, b);
  }
}
switch (await 'k') {
  case 'k': console.log('switch', await 1); break;
}
const { x = await Promise.resolve(7), ...rest } = { y: 1 };
console.log(x, rest);
let s = 0;
while (s < 3) s += await 1;
console.log(s);
label: { await null; console.log('in label'); break label; }
const o = { async m() { return await import.meta.url.length > 0; } };
console.log(await o.m());
class C { static #p = 1; static get p() { return C.#p; } }
console.log(C.p, await new Promise(r => setTimeout(() => r('t'), 1)));
const arr = [await 1, ...[await 2]];
console.log(arr, `${await 'tpl'}`, (await 2) ** 2);
do { console.log('do', await 'x'); } while (false);
if (await false) {} else console.log('else');
export {};
