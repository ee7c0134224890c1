const counter = (() => { let c = 0; return { inc: () => ++c }; })();
counter.inc();
console.log(counter.inc());
const mod = (function () { const priv = 'p'; return { get: () => priv }; })();
console.log(mod.get());
