"""ctypes binding of libedgefn's public C API (standard library only).

Compile a script, build trigger rules, create a runtime (with KV stores and environment
values), dispatch a request and read the response::

    import edgefn
    with edgefn.Loop() as loop:
        script = edgefn.Script("addEventListener('fetch', e => ...)")
        with edgefn.Runtime(loop, script, env={"GREETING": "hi"}) as rt:
            resp = rt.fetch("https://example.com/")
            print(resp.status, resp.headers, resp.text())

The library is found through $EDGEFN_LIBRARY (a path), then the system's library path
(libedgefn.so.1). Every object wraps one opaque handle and frees it on close() or when
garbage collected; a Runtime and the stores bound to a loop are used on the thread that
created the loop, like their C handles.
"""

import ctypes
import ctypes.util
import json as _json
import os

__all__ = [
    "Error", "Loop", "Script", "Runtime", "Response", "Rules", "RulesBuilder", "KV",
    "library_version",
]

# ---- loading ----


def _load():
    path = os.environ.get("EDGEFN_LIBRARY")
    if not path:
        path = ctypes.util.find_library("edgefn") or "libedgefn.so.1"
    return ctypes.CDLL(path)


_lib = _load()

_c_size = ctypes.c_size_t
_u32 = ctypes.c_uint32
_vp = ctypes.c_void_p
_cp = ctypes.c_char_p

# ---- structs (include/edgefn/*.h; layouts only grow at the end) ----


class _ErrorInfo(ctypes.Structure):
    _fields_ = [("struct_size", _u32), ("code", ctypes.c_int), ("line", ctypes.c_int),
                ("column", ctypes.c_int), ("file", ctypes.c_char * 256),
                ("message", ctypes.c_char * 512)]


class _Header(ctypes.Structure):
    _fields_ = [("name", _cp), ("name_len", _c_size), ("value", _cp), ("value_len", _c_size)]


class _Request(ctypes.Structure):
    _fields_ = [("struct_size", _u32), ("method", _cp), ("method_len", _c_size),
                ("url", _cp), ("url_len", _c_size), ("headers", ctypes.POINTER(_Header)),
                ("header_count", _c_size), ("body", _vp), ("body_len", _c_size),
                ("client_ip", _cp), ("geo", _vp), ("request_id", _cp)]


class _ResponseHead(ctypes.Structure):
    _fields_ = [("struct_size", _u32), ("status", ctypes.c_int), ("status_text", _cp),
                ("headers", ctypes.POINTER(_Header)), ("header_count", _c_size),
                ("content_length", ctypes.c_int64)]


_ON_HEAD = ctypes.CFUNCTYPE(None, _vp, ctypes.POINTER(_ResponseHead))
_ON_BODY = ctypes.CFUNCTYPE(None, _vp, ctypes.POINTER(ctypes.c_uint8), _c_size)
_ON_END = ctypes.CFUNCTYPE(None, _vp, ctypes.c_int)
_LOG_FN = ctypes.CFUNCTYPE(None, _vp, ctypes.c_int, _cp, ctypes.POINTER(ctypes.c_char),
                           _c_size)


class _ResponseHandler(ctypes.Structure):
    _fields_ = [("struct_size", _u32), ("on_head", _ON_HEAD), ("on_body", _ON_BODY),
                ("on_end", _ON_END)]


class _ScriptOptions(ctypes.Structure):
    _fields_ = [("struct_size", _u32), ("source", _cp), ("source_len", _c_size),
                ("filename", _cp)]


class _KVBinding(ctypes.Structure):
    _fields_ = [("name", _cp), ("kv", _vp), ("ns", _cp)]


class _EnvVar(ctypes.Structure):
    _fields_ = [("name", _cp), ("value", _cp), ("value_len", _c_size)]


class _RuntimeOptions(ctypes.Structure):
    _fields_ = [("struct_size", _u32), ("name", _cp), ("memory_limit", _c_size),
                ("cpu_limit_ms", _u32), ("wall_limit_ms", _u32), ("log", _LOG_FN),
                ("log_user_data", _vp), ("user_data", _vp), ("fetch_ops", _vp),
                ("fetch_backend", _vp), ("subrequest_limit", _u32), ("cache", _vp),
                ("kv_bindings", ctypes.POINTER(_KVBinding)), ("kv_binding_count", _c_size),
                ("env_vars", ctypes.POINTER(_EnvVar)), ("env_var_count", _c_size)]


class _RuleCondition(ctypes.Structure):
    _fields_ = [("struct_size", _u32), ("field", ctypes.c_int), ("name", _cp),
                ("op", ctypes.c_int), ("flags", _u32), ("values", ctypes.POINTER(_cp)),
                ("value_count", _c_size)]


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_strerror = _fn("edgefn_strerror", _cp, ctypes.c_int)
_version = _fn("edgefn_version", _cp)
_loop_new = _fn("edgefn_loop_new", ctypes.c_int, ctypes.POINTER(_vp), _vp)
_loop_free = _fn("edgefn_loop_free", None, _vp)
_loop_run = _fn("edgefn_loop_run", ctypes.c_int, _vp, ctypes.c_int)
_loop_alive = _fn("edgefn_loop_alive", ctypes.c_int, _vp)
_loop_fd = _fn("edgefn_loop_fd", ctypes.c_int, _vp)
_script_new = _fn("edgefn_script_new", ctypes.c_int, ctypes.POINTER(_vp),
                  ctypes.POINTER(_ScriptOptions), ctypes.POINTER(_ErrorInfo))
_script_free = _fn("edgefn_script_free", None, _vp)
_runtime_new = _fn("edgefn_runtime_new", ctypes.c_int, ctypes.POINTER(_vp), _vp, _vp,
                   ctypes.POINTER(_RuntimeOptions), ctypes.POINTER(_ErrorInfo))
_runtime_free = _fn("edgefn_runtime_free", None, _vp)
_runtime_dispatch = _fn("edgefn_runtime_dispatch", ctypes.c_int, _vp,
                        ctypes.POINTER(_Request), ctypes.POINTER(_ResponseHandler), _vp)
_runtime_pending = _fn("edgefn_runtime_pending", _c_size, _vp)
_runtime_last_error = _fn("edgefn_runtime_last_error", _cp, _vp)
_runtime_status = _fn("edgefn_runtime_status", ctypes.c_int, _vp)
_rules_from_json = _fn("edgefn_rules_from_json", ctypes.c_int, ctypes.POINTER(_vp), _cp,
                       _c_size, _cp, ctypes.POINTER(_ErrorInfo))
_rules_free = _fn("edgefn_rules_free", None, _vp)
_rules_count = _fn("edgefn_rules_count", _c_size, _vp)
_rules_function = _fn("edgefn_rules_function", _cp, _vp, _c_size)
_rules_match = _fn("edgefn_rules_match", ctypes.c_int, _vp, ctypes.POINTER(_Request),
                   ctypes.POINTER(_cp), ctypes.POINTER(_c_size))
_builder_new = _fn("edgefn_rules_builder_new", ctypes.c_int, ctypes.POINTER(_vp))
_builder_free = _fn("edgefn_rules_builder_free", None, _vp)
_builder_add_rule = _fn("edgefn_rules_builder_add_rule", ctypes.c_int, _vp, _cp)
_builder_add_group = _fn("edgefn_rules_builder_add_group", ctypes.c_int, _vp)
_builder_add_condition = _fn("edgefn_rules_builder_add_condition", ctypes.c_int, _vp,
                             ctypes.POINTER(_RuleCondition))
_builder_last_error = _fn("edgefn_rules_builder_last_error", _cp, _vp)
_rules_build = _fn("edgefn_rules_build", ctypes.c_int, _vp, ctypes.POINTER(_vp),
                   ctypes.POINTER(_ErrorInfo))
_kv_memory_new = _fn("edgefn_kv_memory_new", ctypes.c_int, ctypes.POINTER(_vp))
_kv_sqlite_new = _fn("edgefn_kv_sqlite_new", ctypes.c_int, ctypes.POINTER(_vp), _vp, _cp,
                     ctypes.POINTER(_ErrorInfo))
_kv_free = _fn("edgefn_kv_free", None, _vp)


class _RedisOptions(ctypes.Structure):
    _fields_ = [("struct_size", _u32), ("host", _cp), ("port", ctypes.c_int),
                ("key_prefix", _cp), ("timeout_ms", _u32)]


_kv_redis_new = _fn("edgefn_kv_redis_new", ctypes.c_int, ctypes.POINTER(_vp), _vp,
                    ctypes.POINTER(_RedisOptions))

RUN_DEFAULT, RUN_ONCE, RUN_NOWAIT = 0, 1, 2
# Error codes the binding refers to by name (include/edgefn/common.h).
EPASS = -13
EAGAIN = -19


class Error(Exception):
    """A libedgefn call failed: .code is the negative EDGEFN_E* code, .line/.column point into
    a script or configuration when the library knows where."""

    def __init__(self, code, message="", line=0, column=0):
        text = _strerror(code).decode()
        super().__init__(f"{text}: {message}" if message else text)
        self.code = code
        self.line = line
        self.column = column


def _err_info():
    e = _ErrorInfo()
    e.struct_size = ctypes.sizeof(_ErrorInfo)
    return e


def _check(rc, err=None):
    if rc < 0:
        if err is not None:
            raise Error(rc, err.message.decode(errors="replace"), err.line, err.column)
        raise Error(rc)
    return rc


def _bytes(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode()
    return bytes(value)


def library_version():
    """The library's version string, e.g. "0.1.0"."""
    return _version().decode()


class _Handle:
    _free = None

    def __init__(self):
        self._h = _vp()

    def close(self):
        if self._h:
            type(self)._free(self._h)
            self._h = _vp()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass


class Loop(_Handle):
    """An edgefn_loop: the per-thread driver. run() blocks until nothing is pending."""
    _free = staticmethod(_loop_free)

    def __init__(self):
        super().__init__()
        _check(_loop_new(ctypes.byref(self._h), None))

    def run(self, mode=RUN_DEFAULT):
        _check(_loop_run(self._h, mode))

    def alive(self):
        return bool(_loop_alive(self._h))

    def fd(self):
        """The epoll descriptor a host event loop watches (selectors, asyncio add_reader)."""
        return _loop_fd(self._h)


class Script(_Handle):
    """Compiled function code. Raises Error (code EDGEFN_ESYNTAX, with line and column) when
    the source does not compile."""
    _free = staticmethod(_script_free)

    def __init__(self, source, filename="function.js"):
        super().__init__()
        src = _bytes(source)
        opts = _ScriptOptions(ctypes.sizeof(_ScriptOptions), src, len(src), _bytes(filename))
        err = _err_info()
        _check(_script_new(ctypes.byref(self._h), ctypes.byref(opts), ctypes.byref(err)), err)


class KV(_Handle):
    """A KV store: KV.memory(), KV.sqlite(loop, path) or KV.redis(loop, host, port, prefix);
    bind it with Runtime(kv={...}). SQLite and Redis stores belong to `loop`."""
    _free = staticmethod(_kv_free)

    @classmethod
    def memory(cls):
        kv = cls()
        _check(_kv_memory_new(ctypes.byref(kv._h)))
        return kv

    @classmethod
    def sqlite(cls, loop, path):
        kv = cls()
        err = _err_info()
        _check(_kv_sqlite_new(ctypes.byref(kv._h), loop._h, _bytes(os.fspath(path)),
                              ctypes.byref(err)), err)
        kv._loop = loop  # freed before the loop
        return kv

    @classmethod
    def redis(cls, loop, host="127.0.0.1", port=6379, key_prefix=None, timeout_ms=0):
        kv = cls()
        opts = _RedisOptions(ctypes.sizeof(_RedisOptions), _bytes(host), port,
                             _bytes(key_prefix), timeout_ms)
        _check(_kv_redis_new(ctypes.byref(kv._h), loop._h, ctypes.byref(opts)))
        kv._loop = loop
        return kv


class Response:
    """What a dispatch produced: status, status_text, headers (list of (name, value)), body
    (bytes) and result (0, or EDGEFN_EPASS when the function declined: .passed)."""

    def __init__(self):
        self.status = 0
        self.status_text = ""
        self.headers = []
        self.body = b""
        self.result = None

    @property
    def passed(self):
        return self.result == EPASS

    def header(self, name):
        name = name.lower()
        for n, v in self.headers:
            if n.lower() == name:
                return v
        return None

    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return _json.loads(self.body)


class Runtime(_Handle):
    """One sandbox running `script` on `loop`.

    kv: {binding name: KV or (KV, namespace)}; env: {name: str}; log: callable(level, name,
    message) receiving console output and diagnostics (default: collected in .logs)."""
    _free = staticmethod(_runtime_free)

    def __init__(self, loop, script, name="fn", memory_limit=0, cpu_limit_ms=0,
                 wall_limit_ms=0, kv=None, env=None, log=None):
        super().__init__()
        self._loop = loop
        self._script = script
        self.logs = []
        user_log = log

        def on_log(_ud, level, fn, msg, length):
            text = ctypes.string_at(msg, length).decode("utf-8", errors="replace")
            if user_log:
                user_log(level, (fn or b"").decode(), text)
            else:
                self.logs.append((level, text))

        self._log_cb = _LOG_FN(on_log)  # kept alive as long as the runtime
        opts = _RuntimeOptions()
        opts.struct_size = ctypes.sizeof(_RuntimeOptions)
        self._name = _bytes(name)
        opts.name = self._name
        opts.memory_limit = memory_limit
        opts.cpu_limit_ms = cpu_limit_ms
        opts.wall_limit_ms = wall_limit_ms
        opts.log = self._log_cb
        keep = []
        kv = kv or {}
        if kv:
            arr = (_KVBinding * len(kv))()
            for i, (bname, store) in enumerate(kv.items()):
                ns = None
                if isinstance(store, tuple):
                    store, ns = store
                arr[i].name = _bytes(bname)
                arr[i].kv = store._h
                arr[i].ns = _bytes(ns)
            opts.kv_bindings = arr
            opts.kv_binding_count = len(kv)
            keep.append(arr)
        env = env or {}
        if env:
            arr = (_EnvVar * len(env))()
            for i, (vname, value) in enumerate(env.items()):
                b = _bytes(str(value))
                arr[i].name = _bytes(vname)
                arr[i].value = b
                arr[i].value_len = len(b)
                keep.append(b)
            opts.env_vars = arr
            opts.env_var_count = len(env)
            keep.append(arr)
        err = _err_info()
        _check(_runtime_new(ctypes.byref(self._h), loop._h, script._h, ctypes.byref(opts),
                            ctypes.byref(err)), err)

    @property
    def last_error(self):
        return _runtime_last_error(self._h).decode(errors="replace")

    @property
    def pending(self):
        return _runtime_pending(self._h)

    @property
    def status(self):
        """0 once the script's top level has finished; EAGAIN while a module's top-level
        await is still pending (requests wait for it); else the code that failed it."""
        return _runtime_status(self._h)

    def fetch(self, url, method="GET", headers=None, body=None, client_ip=None):
        """Dispatches one request and runs the loop until its response has ended."""
        resp = Response()

        def on_head(_ud, head):
            h = head.contents
            resp.status = h.status
            resp.status_text = (h.status_text or b"").decode()
            for i in range(h.header_count):
                x = h.headers[i]
                resp.headers.append((ctypes.string_at(x.name, x.name_len).decode("latin-1"),
                                     ctypes.string_at(x.value, x.value_len).decode("latin-1")))

        chunks = []

        def on_body(_ud, data, length):
            chunks.append(ctypes.string_at(data, length))

        def on_end(_ud, result):
            resp.result = result

        handler = _ResponseHandler(ctypes.sizeof(_ResponseHandler), _ON_HEAD(on_head),
                                   _ON_BODY(on_body), _ON_END(on_end))
        req, _keep = _make_request(url, method, headers, body, client_ip)
        _check(_runtime_dispatch(self._h, ctypes.byref(req), ctypes.byref(handler), None))
        while resp.result is None and self._loop.alive():
            self._loop.run(RUN_ONCE)
        if resp.result is None:
            raise Error(-8, "the loop went idle before the response ended")
        resp.body = b"".join(chunks)
        return resp


def _make_request(url, method="GET", headers=None, body=None, client_ip=None):
    keep = []
    req = _Request()
    req.struct_size = ctypes.sizeof(_Request)
    m, u = _bytes(method), _bytes(url)
    req.method, req.method_len, req.url, req.url_len = m, len(m), u, len(u)
    keep += [m, u]
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    if pairs:
        arr = (_Header * len(pairs))()
        for i, (n, v) in enumerate(pairs):
            nb, vb = _bytes(n), _bytes(v)
            arr[i] = _Header(nb, len(nb), vb, len(vb))
            keep += [nb, vb]
        req.headers = arr
        req.header_count = len(pairs)
        keep.append(arr)
    b = _bytes(body)
    if b:
        buf = ctypes.create_string_buffer(b, len(b))
        req.body = ctypes.cast(buf, _vp)
        req.body_len = len(b)
        keep.append(buf)
    if client_ip:
        ip = _bytes(client_ip)
        req.client_ip = ip
        keep.append(ip)
    return req, keep


class Rules(_Handle):
    """Immutable trigger rules: Rules.from_json(text) or RulesBuilder().build()."""
    _free = staticmethod(_rules_free)

    @classmethod
    def from_json(cls, text, filename=None):
        r = cls()
        data = _bytes(text if isinstance(text, (str, bytes)) else _json.dumps(text))
        err = _err_info()
        _check(_rules_from_json(ctypes.byref(r._h), data, len(data), _bytes(filename),
                                ctypes.byref(err)), err)
        return r

    def __len__(self):
        return _rules_count(self._h)

    def function(self, index):
        f = _rules_function(self._h, index)
        return f.decode() if f is not None else None

    def match(self, url, method="GET", headers=None, client_ip=None):
        """The name of the function the first matching rule picks, or None."""
        req, _keep = _make_request(url, method, headers, None, client_ip)
        name = _cp()
        index = _c_size()
        rc = _check(_rules_match(self._h, ctypes.byref(req), ctypes.byref(name),
                                 ctypes.byref(index)))
        return name.value.decode() if rc == 1 else None


# Fields and operators of the rules builder (include/edgefn/rules.h).
FIELDS = {"host": 1, "path": 2, "url": 3, "query": 4, "extension": 5, "filename": 6,
          "header": 7, "method": 8, "country": 9, "region": 10, "client_ip": 11}
OPERATORS = {"equals": 1, "not_equals": 2, "exists": 3, "not_exists": 4, "prefix": 5,
             "wildcard": 6, "regex": 7}


class RulesBuilder(_Handle):
    """Builds Rules from code: rule(function) starts a rule, group() an OR branch,
    condition(field, operator, values, name=None, ignore_case=False) adds to the group."""
    _free = staticmethod(_builder_free)

    def __init__(self):
        super().__init__()
        _check(_builder_new(ctypes.byref(self._h)))

    def _done(self, rc):
        if rc < 0:
            raise Error(rc, (_builder_last_error(self._h) or b"").decode())
        return self

    def rule(self, function):
        return self._done(_builder_add_rule(self._h, _bytes(function)))

    def group(self):
        return self._done(_builder_add_group(self._h))

    def condition(self, field, operator, values=(), name=None, ignore_case=False):
        vals = [_bytes(v) for v in values]
        arr = (_cp * max(1, len(vals)))(*vals)
        c = _RuleCondition(ctypes.sizeof(_RuleCondition), FIELDS[field], _bytes(name),
                           OPERATORS[operator], 1 if ignore_case else 0, arr, len(vals))
        return self._done(_builder_add_condition(self._h, ctypes.byref(c)))

    def build(self):
        r = Rules()
        err = _err_info()
        _check(_rules_build(self._h, ctypes.byref(r._h), ctypes.byref(err)), err)
        return r
