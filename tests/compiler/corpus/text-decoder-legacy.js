// node >= 25
// TextDecoder's legacy encodings where Node (ICU) decodes as the Encoding Standard does:
// every single-byte encoding's table, the whole two-byte gb18030 space and part of its
// four-byte space, and sample text in every encoding. (big5, euc-kr and shift_jis differ
// in Node; tests/js/test-webapi.c checks those against the standard.)
function hex(s) { var o = []; for (var i = 0; i < s.length; i++) o.push(s.charCodeAt(i).toString(16)); return o.join(' '); }
function digest(s) { var h = 0; for (var i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0; return (h >>> 0).toString(16) + '/' + s.length; }
var single = ['ibm866', 'iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6', 'iso-8859-7',
  'iso-8859-8', 'iso-8859-8-i', 'iso-8859-10', 'iso-8859-13', 'iso-8859-14', 'iso-8859-15', 'iso-8859-16',
  'koi8-r', 'koi8-u', 'macintosh', 'windows-874', 'windows-1250', 'windows-1251', 'windows-1253',
  'windows-1254', 'windows-1255', 'windows-1256', 'windows-1257', 'windows-1258', 'x-mac-cyrillic'];
single.forEach(function (enc) {
  var d = new TextDecoder(enc), out = [];
  for (var b = 0x80; b < 0x100; b++) out.push(hex(d.decode(new Uint8Array([b]))));
  console.log(enc, d.encoding, out.slice(0, 64).join(','));
  console.log(enc, out.slice(64).join(','));
});
['gbk', 'gb18030'].forEach(function (enc) {
  var d = new TextDecoder(enc);
  // every lead with every trail, each pair followed by a space (which ends any sequence)
  for (var lead = 0x80; lead <= 0xff; lead += 8) {
    var bytes = [];
    for (var l = lead; l < lead + 8; l++)
      for (var t = 0x30; t <= 0xff; t++) bytes.push(l, t, 0x20);
    console.log(enc, lead.toString(16), digest(d.decode(new Uint8Array(bytes))));
  }
  var four = [];
  for (var b1 = 0x81; b1 <= 0x84; b1++)
    for (var b2 = 0x30; b2 <= 0x39; b2++)
      for (var b3 = 0x81; b3 <= 0xfe; b3 += 5)
        for (var b4 = 0x30; b4 <= 0x39; b4++) four.push(b1, b2, b3, b4, 0x20);
  console.log(enc, 'four-byte', digest(d.decode(new Uint8Array(four))));
  console.log(enc, 'supplementary', hex(d.decode(new Uint8Array([0x90, 0x30, 0x81, 0x30, 0xe3, 0x32, 0x9a, 0x35, 0xe3, 0x32, 0x9a, 0x36]))));
  console.log(enc, 'errors', hex(d.decode(new Uint8Array([0x81, 0x30, 0x41, 0x81, 0x30, 0x81, 0x41, 0xff, 0x80, 0x81]))));
});
var samples = {
  'gbk': [0xc4, 0xe3, 0xba, 0xc3, 0xa3, 0xac, 0xca, 0xc0, 0xbd, 0xe7],
  'gb18030': [0x95, 0x32, 0x82, 0x36, 0xc4, 0xe3],
  'big5': [0xa7, 0x41, 0xa6, 0x6e, 0xa1, 0x41],
  'euc-jp': [0xc6, 0xfc, 0xcb, 0xdc, 0xb8, 0xec, 0x8e, 0xb1],
  'shift_jis': [0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd, 0xb1],
  'euc-kr': [0xbe, 0xc8, 0xb3, 0xe7, 0xc7, 0xcf, 0xbc, 0xbc, 0xbf, 0xe4],
  'iso-2022-jp': [0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42, 0x41],
  'x-user-defined': [0x41, 0x80, 0xff],
};
Object.keys(samples).forEach(function (enc) {
  var d = new TextDecoder(enc);
  console.log(enc, d.encoding, d.decode(new Uint8Array(samples[enc])));
  // the same bytes one at a time, streamed
  var s = '';
  samples[enc].forEach(function (b) { s += d.decode(new Uint8Array([b]), { stream: true }); });
  console.log(enc, 'streamed', s + d.decode());
});
['GBK', ' gb2312 ', 'x-gbk', 'chinese', 'csshiftjis', 'ms932', 'windows-949', 'korean', 'cn-big5', 'big5-hkscs',
 'latin2', 'cp1250', 'l9', 'koi', 'mac', 'dos-874', 'tis-620', 'x-mac-ukrainian', 'iso-8859-11', 'logical',
 'visual', 'iso-2022-kr', 'hz-gb-2312', 'replacement', 'utf-7', 'iso-8859-12'].forEach(function (label) {
  try { console.log(JSON.stringify(label), new TextDecoder(label).encoding); }
  catch (e) { console.log(JSON.stringify(label), e.name); }
});
var fatal = new TextDecoder('gbk', { fatal: true });
try { fatal.decode(new Uint8Array([0xc4, 0xe3, 0x81])); console.log('no error'); } catch (e) { console.log('fatal', e.name); }
console.log('after fatal', fatal.decode(new Uint8Array([0xc4, 0xe3])));
console.log('BOM kept in gb18030', hex(new TextDecoder('gb18030').decode(new Uint8Array([0x84, 0x31, 0x95, 0x33, 0x41]))));
