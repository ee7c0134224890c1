const fns = { list: [() => 'zero', () => 'one'] };
console.log(fns.list?.[1]?.(), fns.other?.[0]?.(), fns.list[5]?.());
