const out = [];
for (const t of ['a', 'b', 'c']) {
  switch (t) {
    case 'a': out.push(() => 'A:' + t); break;
    case 'b': continue;
    default: out.push(() => 'D:' + t);
  }
}
console.log(out.map(f => f()).join());
