console.log(String.raw`\u00e9\n${1}\x41`);
const t = (s) => s.raw[0].length;
console.log(t`\\`, t`a\tb`);
