function parse(s) {
  try { return JSON.parse(s); } catch { return 'invalid'; } finally { console.log('parsed', s); }
}
console.log(parse('{"a":1}').a, parse('{bad'));
