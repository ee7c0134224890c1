function* nums() { yield 3; yield 1; yield 2; }
console.log(Math.max(...nums()), [...nums()].sort().join(), String.fromCharCode(...(function* () { yield 72; yield 105; })()));
