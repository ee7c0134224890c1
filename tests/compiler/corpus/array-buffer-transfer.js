// node >= 22
// ArrayBuffer.prototype.transfer and transferToFixedLength (ES2024): the bytes move to a new
// buffer of the requested length (cut or zero-filled), the old one is detached (length 0,
// views read nothing, `detached` true) and cannot be transferred again; resizable and
// maxByteLength describe a fixed-length buffer.
var ab = new ArrayBuffer(4);
var u = new Uint8Array(ab);
u.set([1, 2, 3, 4]);
var t = ab.transfer();
console.log('same', t.byteLength, Array.from(new Uint8Array(t)), ab.byteLength, ab.detached, t.detached);
var g = t.transfer(6);
console.log('grown', g.byteLength, Array.from(new Uint8Array(g)), t.detached);
var c = g.transferToFixedLength(2);
console.log('cut', c.byteLength, Array.from(new Uint8Array(c)), g.detached);
var z = c.transfer(0);
console.log('zero', z.byteLength, c.detached, z.detached, new ArrayBuffer(0).detached);
var nan = new ArrayBuffer(3).transfer(NaN);
console.log('NaN length', nan.byteLength);
try { ab.transfer(); } catch (e) { console.log('again', e.name); }
try { new ArrayBuffer(1).transfer(-1); } catch (e) { console.log('negative', e.name); }
try { ArrayBuffer.prototype.transfer.call(new Uint8Array(2)); } catch (e) { console.log('view', e.name); }
try { ArrayBuffer.prototype.transfer.call({}); } catch (e) { console.log('object', e.name); }
try { Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached').get.call([]); } catch (e) { console.log('getter', e.name); }
var order = new ArrayBuffer(2);
try { order.transfer({ valueOf: function () { order.transfer(); return 1; } }); } catch (e) { console.log('detached by valueOf', e.name, order.detached); }
var r = new ArrayBuffer(5);
console.log('fixed', r.resizable, r.maxByteLength, r.transfer().maxByteLength, r.maxByteLength);
console.log('lengths', ArrayBuffer.prototype.transfer.length, ArrayBuffer.prototype.transferToFixedLength.length,
            ArrayBuffer.prototype.transfer.name,
            Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached').get.name);
var sub = new Uint8Array([9, 8, 7]).buffer;
var moved = sub.transfer();
console.log('from a view', new Uint8Array(moved).join(), sub.detached);
