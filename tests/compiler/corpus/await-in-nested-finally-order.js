const log = [];
async function a() {
  try {
    try {
      log.push('a1');
      await null;
      log.push('a2');
    } finally {
      log.push('a-inner-finally');
      await null;
    }
  } finally {
    log.push('a-outer-finally');
  }
}
async function b() {
  log.push('b1');
  await null;
  log.push('b2');
  await null;
  log.push('b3');
}
Promise.all([a(), b()]).then(() => console.log(log.join(' ')));
