function handlers(kind) {
  const out = [];
  switch (kind) {
    case 'a': {
      const tag = 'A';
      out.push(() => tag);
    }
    // fallthrough
    case 'b': {
      const tag = 'B';
      out.push(() => tag);
      break;
    }
    default: {
      let tag = 'D';
      out.push(() => tag);
      tag += '!';
    }
  }
  return out.map(f => f()).join('');
}
console.log(handlers('a'), handlers('b'), handlers('z'));
