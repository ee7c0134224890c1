// node >= 22
// structuredClone(value, {transfer}) moves ArrayBuffers into the clone (HTML's
// StructuredSerializeWithTransfer): references and views follow the moved buffer, a clone that
// fails detaches nothing, and bad transfer lists throw DataCloneError or TypeError.
var ab = new ArrayBuffer(4); new Uint8Array(ab).set([1, 2, 3, 4]);
var v = new Uint16Array(ab, 2, 1);
var src = { a: ab, v: v, same: ab, n: 5 };
var out = structuredClone(src, { transfer: [ab] });
console.log(ab.byteLength, ab.detached, out.a.byteLength, Array.from(new Uint8Array(out.a)), out.a === out.same, out.v.buffer === out.a, out.v[0], v.length === 1 || v.length === 0);
var b1 = new ArrayBuffer(2);
try { structuredClone({ f: function () {} }, { transfer: [b1] }); } catch (e) { console.log('failed clone', e.name, b1.detached, b1.byteLength); }
try { structuredClone(1, { transfer: [b1, b1] }); } catch (e) { console.log('twice', e.name, b1.detached); }
try { structuredClone(1, { transfer: [{}] }); } catch (e) { console.log('not transferable', e.name); }
try { structuredClone(1, { transfer: [ab] }); } catch (e) { console.log('detached', e.name); }
try { structuredClone(1, { transfer: 5 }); } catch (e) { console.log('not iterable', e.name); }
try { structuredClone(1, { transfer: [1] }); } catch (e) { console.log('primitive', e.name); }
try { structuredClone(1, 5); } catch (e) { console.log('options', e.name); }
var b2 = new ArrayBuffer(3);
var r = structuredClone(7, { transfer: new Set([b2]) });
console.log('set', r, b2.detached);
console.log(structuredClone(1, {}), structuredClone(2, null), structuredClone(3, { transfer: undefined }));
