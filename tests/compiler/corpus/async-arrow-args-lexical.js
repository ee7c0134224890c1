function outer() { const f = async () => arguments.length; return f(9, 9, 9); }
outer(1, 2).then(n => console.log('args', n));
