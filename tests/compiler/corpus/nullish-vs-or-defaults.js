const config = { timeout: 0, retries: null, name: '', verbose: false };
console.log(config.timeout ?? 30, config.timeout || 30);
console.log(config.retries ?? 3, config.name ?? 'default', config.name || 'default');
console.log(config.verbose ?? true, config.missing ?? 'missing');
let x = null;
x ??= 5; x ||= 7; x &&= x * 2;
console.log(x);
