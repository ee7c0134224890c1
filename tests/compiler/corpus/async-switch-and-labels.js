async function run(cmds) {
  const out = [];
  loop: for (const c of cmds) {
    switch (c) {
      case 'skip': continue loop;
      case 'stop': break loop;
      default: out.push(await Promise.resolve(c.toUpperCase()));
    }
  }
  return out.join(',');
}
run(['a', 'skip', 'b', 'stop', 'c']).then(console.log);
