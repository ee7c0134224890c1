const text = '{"a":1,"b":{"c":2}}';
console.log(JSON.parse(text, (k, v) => typeof v === 'number' ? v * 10 : v));
console.log(JSON.stringify({ d: new Date(0) }, (k, v) => k === 'd' ? 'date' : v));
