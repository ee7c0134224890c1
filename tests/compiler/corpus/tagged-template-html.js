function html(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]).replace(/</g, '&lt;') : ''), '');
}
const user = '<script>';
console.log(html`<p>Hello ${user}!</p>`);
