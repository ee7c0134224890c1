a: {
  b: {
    console.log('in b');
    break a;
  }
  console.log('never');
}
console.log('after');
loop1: for (const i of [1, 2, 3]) {
  switch (i) {
    case 2: continue loop1;
    case 3: break loop1;
  }
  console.log('i', i);
}
