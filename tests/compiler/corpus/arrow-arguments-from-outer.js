function outer() { const inner = () => arguments[0] + arguments.length; return inner('ignored'); }
console.log(outer(10, 20));
function withRest(...args) { return (() => args.concat([...arguments]))(); }
console.log(withRest(1, 2).join(','));
