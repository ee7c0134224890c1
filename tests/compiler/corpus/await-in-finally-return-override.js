async function f() {
  try {
    return 'try';
  } finally {
    await null;
    console.log('finally ran');
  }
}
async function g() {
  try {
    throw new Error('boom');
  } finally {
    await Promise.resolve();
    return 'overridden';
  }
}
f().then(v => console.log('f', v));
g().then(v => console.log('g', v));
Promise.resolve().then(() => console.log('tick 1')).then(() => console.log('tick 2'));
