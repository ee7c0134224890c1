try { throw {code: 42, info: {msg: 'm'}}; } catch ({code, info: {msg}}) { console.log(code, msg); }
try { throw [1, 2]; } catch ([x, y]) { console.log(x + y); }
try { JSON.parse('{'); } catch { console.log('optional catch binding'); }
const fn = ({a, b: [c] = [3]}, ...[d]) => a + c + d;
console.log(fn({a: 1}, 2), fn({a: 1, b: [10]}, 5));
