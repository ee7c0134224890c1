export async function* gen(n) {
  try {
    for (let i = 0; i < n; i++) {
      await null;
      yield i;
    }
  } finally {
    console.log('gen closed at', n);
  }
}
