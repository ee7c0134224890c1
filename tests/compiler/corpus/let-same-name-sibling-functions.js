function a() { let v = 'a'; return () => v; }
function b() { let v = 'b'; return () => v; }
console.log(a()(), b()());
if (true) { const w = 1; var res1 = () => w; }
if (true) { const w = 2; var res2 = () => w; }
console.log(res1(), res2());
