// import() of what no file answers rejects (asynchronously) with Node's error
for (const spec of ['./nope.mjs', '../outside.mjs', 'lodash', '/abs/none.mjs']) {
  try {
    await import(spec);
    console.log('loaded?', spec);
  } catch (e) {
    console.log(spec, e.name, e.code, e.constructor === Error,
      /^Cannot find (module|package) '.*' imported from .*main\.mjs$/.test(e.message));
  }
}
let sync = true;
import('./nope.mjs').catch(() => console.log('rejected later', !sync));
sync = false;
try {
  await import({ toString() { throw new TypeError('bad specifier'); } });
} catch (e) {
  console.log(e.name, e.message);
}
const { ok } = await import('./ok.mjs');
console.log('ok', ok);
