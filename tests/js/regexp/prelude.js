// Shared by both sides of the differential corpus (Node and libedgefn): prints values in
// one fixed notation so that outputs compare exactly.
function __show(v) {
  var i, parts, ks, o, c, h;
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "string") {
    o = '"';
    for (i = 0; i < v.length; i++) {
      c = v.charCodeAt(i);
      if (c < 32 || c > 126 || c === 34 || c === 92) {
        h = c.toString(16);
        while (h.length < 4) h = "0" + h;
        o += "\\u" + h;
      } else o += v.charAt(i);
    }
    return o + '"';
  }
  if (typeof v === "number") return v === 0 && 1 / v < 0 ? "-0" : String(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v === "function") return "function";
  if (typeof v === "symbol") return "symbol";
  if (Array.isArray(v)) {
    parts = [];
    for (i = 0; i < v.length; i++) parts.push(__show(v[i]));
    var extra = [];
    ks = ["index", "input", "groups", "indices"];
    for (i = 0; i < ks.length; i++)
      if (Object.prototype.hasOwnProperty.call(v, ks[i])) extra.push(ks[i] + "=" + __show(v[ks[i]]));
    return "[" + parts.join(",") + "]" + (extra.length ? "{" + extra.join(",") + "}" : "");
  }
  if (typeof v === "object") {
    ks = Object.keys(v);
    parts = [];
    for (i = 0; i < ks.length; i++) parts.push(ks[i] + ":" + __show(v[ks[i]]));
    return (Object.getPrototypeOf(v) === null ? "null-proto" : "") + "{" + parts.join(",") + "}";
  }
  return String(v);
}
function p() {
  var a = [];
  for (var i = 0; i < arguments.length; i++) a.push(__show(arguments[i]));
  console.log(a.join(" "));
}
// Runs f and prints the error's name and message if it throws.
function t(f) {
  try { f(); } catch (e) { console.log("threw " + e.name + ": " + e.message); }
}
// The same, the error's name only (for errors whose wording is V8's own).
function tn(f) {
  try { f(); } catch (e) { console.log("threw " + e.name); }
}
