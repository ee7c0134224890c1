console.log(typeof hoisted, v);
var v = 1;
function hoisted() {}
{ var inBlock = 'ib'; }
console.log(inBlock);
for (let i = 0; i < 2; i++) { var fromLoop = i; const cl = () => i; }
console.log(fromLoop);
if (true) { function inIf() { return 'inIf'; } }
console.log(inIf());
