async function inner() { await null; throw new TypeError('inner'); }
async function outer() {
  try {
    await inner();
  } catch (e) {
    await null;
    throw new RangeError('outer from ' + e.message);
  } finally {
    console.log('outer finally');
  }
}
outer().catch(e => console.log(e.name, e.message));
