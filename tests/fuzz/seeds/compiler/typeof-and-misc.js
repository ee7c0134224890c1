console.log(typeof (() => 1), typeof class {}, typeof function* () {}, typeof async function () {});
const f = async () => {};
console.log(f() instanceof Promise);
console.log([1, [2, [3, [4]]]].flat(Infinity), Object.entries({a: 1}));
console.log([..."abc"].reverse().join(''));
