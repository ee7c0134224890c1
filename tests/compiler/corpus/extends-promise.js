class MyP extends Promise {}
const p = new MyP(r => r(5));
console.log(p instanceof MyP, p instanceof Promise);
p.then(v => console.log('resolved', v));
