const f = () => void 0;
const g = (a) => (a++, a);
console.log(f(), g(1));
