const a = 5;
console.log(`${a}${a}`, `$${a}`, `{${a}}`, `$`, `\${a}`, `a${`b${`c${a}`}`}`);
console.log(`line1\
line2`);
const fn = () => `x`;
console.log(fn(), typeof `${1}`);
const obj = { valueOf() { return 1; }, toString() { return 'str'; } };
console.log(`${obj}`, '' + obj);
console.log(`${Symbol.iterator.toString()}`);
