"""Python test harness, run INSIDE the sandbox as the program's main file (standard library only).

Two processes. This one, the *evaluator*, first forks the *solution process*, and only then reads
``r1v_tests.json`` (and deletes it; the runner zeroes its copy of every file before it forks, so the solution
process never holds the tests' bytes) and tells the solution process to load ``solution.py``. The tests
(HumanEval's ``check``, MBPP's asserts) run here, in an interpreter the solution cannot touch: the solution's
names are proxies (:class:`Remote`) whose calls cross a pipe. Arguments and return values cross as plain data
only: None, bool, int, float, complex, str, bytes, bytearray, list, tuple, dict, set, frozenset, range, and the
value types Fraction, Decimal, OrderedDict, Counter and deque, rebuilt here from their data; an instance of a
subclass of a built-in type crosses as the built-in type's data. Anything else stays in the solution process
behind an opaque handle: tests may call it, read its attributes, iterate, index, take ``len()`` or ``str()`` of it
(all of which give data again), but not compare, hash or truth-test it (``strict=false`` forwards those to the
solution's own methods). So builtins, modules and types the solution patches, objects with an ``__eq__`` that is
always true, ``sys.settrace`` and frame walks all stay inside the solution process.

Results go to the host on this process's stdout, one ``<nonce> <json>`` line per test and a ``done`` line last;
the solution process holds no descriptor of it (its stdout is the program's stderr) and never sees the nonce.
A solution that exits, crashes, breaks the protocol or misses the per-test deadline fails the test that was
running and every later one. Call-based tests report the returned value; the host compares it.
"""

import builtins
import io
import json
import operator
import os
import select
import signal
import sys
import time
import traceback
import types

SPEC_FILE = "r1v_tests.json"
SOLUTION_FILE = "solution.py"
MAX_MESSAGE = 64 << 20
"""Bytes of one message from the solution process; a larger one breaks the protocol."""
SMALL_INT = 1 << 63
MUTABLE = (list, dict, set, bytearray)
"""Argument types whose in-place changes by the solution are copied back to the test's objects."""


class Gone(BaseException):
    """The solution process is gone (exited, crashed, timed out, broke the protocol): no later test passes."""


class _Timeout(Exception):
    pass


class UnplainValue(TypeError):
    """A test compared, hashed or truth-tested an object of the solution while ``strict`` is on."""


# ---------------------------------------------------------------------------------------------- framing
def send(fd, message, deadline=None):
    """Write one length-prefixed JSON message; with a deadline, ``fd`` is non-blocking."""
    data = json.dumps(message, separators=(",", ":")).encode("utf-8")
    view = memoryview(len(data).to_bytes(4, "big") + data)
    while view:
        if deadline is not None:
            _wait(fd, select.POLLOUT, deadline)
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue


def receive(fd, deadline=None):
    """The next message's bytes; ``None`` at end of file."""
    header = _read(fd, 4, deadline)
    if header is None:
        return None
    size = int.from_bytes(header, "big")
    if size > MAX_MESSAGE:
        raise ValueError(f"a message of {size} bytes")
    data = _read(fd, size, deadline)
    if data is None:
        raise EOFError("the message was cut short")
    return data


def _read(fd, n, deadline):
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            _wait(fd, select.POLLIN, deadline)
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            if got:
                raise EOFError("the message was cut short")
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _wait(fd, event, deadline):
    poller = select.poll()
    poller.register(fd, event)
    remaining = deadline - time.monotonic()
    if remaining <= 0 or not poller.poll(remaining * 1000):
        raise _Timeout


# ---------------------------------------------------------------------------------------------- values
def _pairs(items, other):
    return [[encode(k, other), encode(v, other)] for k, v in items]


_EXACT = {
    list: lambda v, o: [encode(x, o) for x in v],
    tuple: lambda v, o: {"t": [encode(x, o) for x in v]},
    dict: lambda v, o: {"d": _pairs(v.items(), o)},
    set: lambda v, o: {"s": [encode(x, o) for x in v]},
    frozenset: lambda v, o: {"f": [encode(x, o) for x in v]},
    bytes: lambda v, o: {"b": v.hex()},
    bytearray: lambda v, o: {"y": v.hex()},
    complex: lambda v, o: {"c": [v.real, v.imag]},
    range: lambda v, o: {"r": [v.start, v.stop, v.step]},
    slice: lambda v, o: {"l": [encode(v.start, o), encode(v.stop, o), encode(v.step, o)]},
}
_STDLIB = {
    ("fractions", "Fraction"): lambda v, o: {"F": [encode(int(v.numerator), o), encode(int(v.denominator), o)]},
    ("decimal", "Decimal"): lambda v, o: {"D": str(v)},
    ("collections", "OrderedDict"): lambda v, o: {"o": _pairs(v.items(), o)},
    ("collections", "Counter"): lambda v, o: {"n": _pairs(v.items(), o)},
    ("collections", "deque"): lambda v, o: {"q": [[encode(x, o) for x in v], v.maxlen]},
}
_BASES = (int, float, str, complex, bytes, bytearray, list, tuple, dict, set, frozenset)


def encode(value, other):
    """``value`` as JSON-ready plain data; ``other(value)`` encodes what is not plain (a handle, or an error)."""
    kind = type(value)
    if value is None or kind is bool or kind is str or kind is float:
        return value
    if kind is int:
        return value if -SMALL_INT < value < SMALL_INT else {"i": hex(value)}
    exact = _EXACT.get(kind)
    if exact is not None:
        return exact(value, other)
    stdlib = _STDLIB.get((getattr(kind, "__module__", ""), getattr(kind, "__qualname__", "")))
    if stdlib is not None:
        return stdlib(value, other)
    for base in _BASES:  # e.g. a namedtuple, an IntEnum, an int subclass with its own __eq__: the built-in data
        if isinstance(value, base):
            return encode(base(value), other)
    return other(value)


def _checked(kind, *types_):
    def build(data):
        if type(data) not in types_:
            raise TypeError(f"bad {kind} data")
        return kind(data)

    return build


def _rebuild_pairs(kind):
    def build(data):
        if type(data) is not list or any(type(p) is not list or len(p) != 2 for p in data):
            raise TypeError("bad pairs")
        return kind((k, v) for k, v in data)

    return build


def _numbers(build, count, kinds):
    def make(data):
        if type(data) is not list or len(data) not in count or any(type(x) not in kinds for x in data):
            raise TypeError("bad numbers")
        return build(*data)

    return make


def _fraction(n, d):
    import fractions

    return fractions.Fraction(n, d)


def _decimal(text):
    import decimal

    if type(text) is not str:
        raise TypeError("bad decimal")
    return decimal.Decimal(text)


def _deque(data):
    import collections

    if type(data) is not list or len(data) != 2 or type(data[0]) is not list:
        raise TypeError("bad deque")
    if data[1] is not None and type(data[1]) is not int:
        raise TypeError("bad deque")
    return collections.deque(data[0], data[1])


def _ordered(data):
    import collections

    return _rebuild_pairs(collections.OrderedDict)(data)


def _counter(data):
    import collections

    return collections.Counter(_rebuild_pairs(dict)(data))


def _big_int(text):
    if type(text) is not str:
        raise TypeError("bad int")
    return int(text, 16)


_BUILDERS = {
    "t": _checked(tuple, list),
    "s": _checked(set, list),
    "f": _checked(frozenset, list),
    "d": _rebuild_pairs(dict),
    "b": lambda data: bytes.fromhex(data),
    "y": lambda data: bytearray.fromhex(data),
    "c": _numbers(complex, (2,), (int, float)),
    "r": _numbers(range, (3,), (int,)),
    "l": _numbers(slice, (3,), (int, type(None))),
    "i": _big_int,
    "F": _numbers(_fraction, (2,), (int,)),
    "D": _decimal,
    "o": _ordered,
    "n": _counter,
    "q": _deque,
}


def decoder(extra):
    """``json.loads`` object hook rebuilding tagged values; ``extra`` adds tags (handles, builtins)."""
    builders = dict(_BUILDERS, **extra)

    def hook(obj):
        if len(obj) != 1:
            raise ValueError("a tagged value has one key")
        ((tag, data),) = obj.items()
        return builders[tag](data)

    return hook


def _message(exc):
    try:
        return str(exc)[-2000:]
    except BaseException:  # noqa: BLE001 - an exception whose __str__ fails
        return ""


def describe(exc):
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text[-500:] or type(exc).__name__


# ---------------------------------------------------------------------------------------------- solution side
def _close_fds(keep):
    low = 3
    for fd in sorted(keep):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 1 << 16)


class _Solution:
    """The solution process: loads the solution and serves the evaluator's requests. Nothing here is trusted."""

    def __init__(self, requests, replies):
        self.requests, self.replies = requests, replies
        self.objects, self.ids = [], {}
        self.hook = decoder({"h": self.resolve_handle, "B": self.builtin})
        self.namespace = {}

    def keep(self, value):
        ident = self.ids.get(id(value))
        if ident is None:
            ident = self.ids[id(value)] = len(self.objects)
            self.objects.append(value)
        return {"h": [ident, type(value).__qualname__]}

    def resolve_handle(self, data):
        return self.objects[data[0]]

    @staticmethod
    def builtin(name):
        return getattr(builtins, name)

    def serve(self):
        while True:
            data = receive(self.requests)
            if data is None:
                return
            try:
                request = json.loads(data, object_hook=self.hook)
                reply = getattr(self, "op_" + request[0])(*request[1:])
            except StopIteration:
                reply = ["s"]
            except BaseException as exc:  # noqa: BLE001 - the solution's exceptions are results
                reply = ["x", [c.__name__ for c in type(exc).__mro__], _message(exc)]
            try:
                send(self.replies, reply)
            except RecursionError:  # a self-containing value
                send(self.replies, ["x", ["RecursionError"], "the value nests too deeply"])

    def value(self, value):
        return ["v", encode(value, self.keep)]

    def op_load(self, names):
        module = types.ModuleType("solution")
        module.__file__ = os.path.abspath(SOLUTION_FILE)
        sys.modules["solution"] = module
        self.namespace = module.__dict__
        with open(SOLUTION_FILE, encoding="utf-8") as fh:
            source = fh.read()
        exec(compile(source, SOLUTION_FILE, "exec"), self.namespace)  # noqa: S102 - running the solution
        found = []
        for name in names:
            if name in self.namespace:
                value = self.namespace[name]
                module_ = isinstance(value, types.ModuleType)
                found.append([name, module_, None if module_ else encode(value, self.keep)])
        return ["m", found]

    def op_resolve(self, fn_name):
        cls = self.namespace.get("Solution")
        if isinstance(cls, type) and hasattr(cls, fn_name):
            return self.value(lambda *args: getattr(cls(), fn_name)(*args))
        fn = self.namespace.get(fn_name)
        if callable(fn):
            return self.value(fn)
        raise NameError(f"the solution defines no function {fn_name!r} (nor a class Solution with that method)")

    def op_call(self, target, args, kwargs, stdin, capture, track):
        kwargs = dict(kwargs)
        before = [(i, encode(a, self.keep)) for i, a in enumerate(args) if track and type(a) in MUTABLE]
        saved = sys.stdin, sys.stdout
        feed = io.StringIO(stdin) if stdin is not None else None
        out = io.StringIO() if capture else None
        sys.stdin, sys.stdout = feed or sys.stdin, out or sys.stdout
        try:
            result = target(*args, **kwargs)
        finally:
            sys.stdin, sys.stdout = saved
        changed = [[i, new] for i, old in before if (new := encode(args[i], self.keep)) != old]
        used = feed.tell() if feed is not None else None
        return ["v", encode(result, self.keep), changed, out.getvalue() if out else None, used]

    def op_attr(self, target, name):
        return self.value(getattr(target, name))

    def op_iter(self, target):
        return self.value(iter(target))

    def op_next(self, target):
        return self.value(next(target))

    def op_len(self, target):
        return self.value(len(target))

    def op_item(self, target, key):
        return self.value(target[key])

    def op_str(self, target):
        return self.value(str(target))

    def op_compare(self, target, name, other):
        return self.value(getattr(operator, name)(target, other))

    def op_bool(self, target):
        return self.value(bool(target))

    def op_hash(self, target):
        return self.value(hash(target))


def _start_solution_process():
    """Fork the solution process; it waits for the ``load`` request. Returns the evaluator's :class:`Link`."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    requests_r, requests_w = os.pipe()
    replies_r, replies_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.dup2(2, 1)  # never the evaluator's stdout: that is the report channel
            _close_fds({requests_r, replies_w})
            _Solution(requests_r, replies_w).serve()
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(requests_r)
    os.close(replies_w)
    os.set_blocking(requests_w, False)
    return Link(pid, requests_w, replies_r)


# ---------------------------------------------------------------------------------------------- evaluator side
class Remote:
    """An object that lives in the solution process: a function, a class, an instance, an iterator."""

    __slots__ = ("_r1v_id", "_r1v_link", "_r1v_type")

    def __init__(self, link, ident, type_name):
        self._r1v_link, self._r1v_id, self._r1v_type = link, ident, type_name

    def __call__(self, *args, **kwargs):
        return self._r1v_link.call(self, args, kwargs)

    def __getattr__(self, name):
        if name.startswith(("__", "_r1v_")):
            raise AttributeError(name)
        return self._r1v_link.request("attr", self, name)

    def __iter__(self):
        iterator = self._r1v_link.request("iter", self)
        if not isinstance(iterator, Remote):
            yield from iterator
            return
        while True:
            try:
                item = self._r1v_link.request("next", iterator)
            except StopIteration:
                return
            yield item

    def __next__(self):
        return self._r1v_link.request("next", self)

    def __len__(self):
        return self._r1v_link.typed("len", self, int)

    def __getitem__(self, key):
        return self._r1v_link.request("item", self, encode(key, self._r1v_link.outgoing))

    def __str__(self):
        return self._r1v_link.typed("str", self, str)

    def __repr__(self):
        return f"<{self._r1v_type} object of the solution>"

    def __bool__(self):
        return self._r1v_link.judge(self, "bool", bool)

    def __hash__(self):
        return self._r1v_link.judge(self, "hash", int)

    def _compare(name):  # builds the comparison methods below
        def compare(self, other):
            return self._r1v_link.judge(self, "compare", None, name, other)

        compare.__name__ = f"__{name}__"
        return compare

    __eq__, __ne__ = _compare("eq"), _compare("ne")
    __lt__, __le__, __gt__, __ge__ = _compare("lt"), _compare("le"), _compare("gt"), _compare("ge")
    del _compare


class Link:
    """The evaluator's end of the pipes to the solution process, with the current test's deadline."""

    def __init__(self, pid, requests, replies):
        self.pid, self.requests, self.replies = pid, requests, replies
        self.gone = None
        self.deadline = None
        self.timeout = 5.0
        self.strict = True
        self.track = True
        self.remotes = {}
        self.hook = decoder({"h": self.remote})
        self.stdio = (sys.stdin, sys.stdout)
        self.restart_clock()

    def remote(self, data):
        if type(data) is not list or len(data) != 2 or type(data[0]) is not int or type(data[1]) is not str:
            raise TypeError("bad handle")
        found = self.remotes.get(data[0])
        if found is None:
            found = self.remotes[data[0]] = Remote(self, data[0], data[1][:100])
        return found

    def restart_clock(self):
        self.deadline = time.monotonic() + self.timeout

    def outgoing(self, value):
        """How a test's value that is not plain data crosses: the solution's own objects and builtins only."""
        if isinstance(value, Remote):
            if value._r1v_link is not self:
                raise TypeError("an object of another solution")
            return {"h": [value._r1v_id, value._r1v_type]}
        name = getattr(value, "__name__", None)
        if isinstance(name, str) and getattr(builtins, name, None) is value:
            return {"B": name}
        raise TypeError(
            f"the test passed a {type(value).__name__} to the solution; only plain values, builtins and the "
            "solution's own objects can cross to its process"
        )

    # ------------------------------------------------------------------ requests
    def exchange(self, message, expect=("v",)):
        """Send one request; the reply (a list starting with one of ``expect``), or the solution's exception."""
        if self.gone is not None:
            raise Gone(self.gone)
        try:
            send(self.requests, message, self.deadline)
            data = receive(self.replies, self.deadline)
            if data is None:
                raise EOFError
        except _Timeout:
            self.stop(f"timeout: the test ran past {self.timeout:g}s waiting for the solution")
        except (EOFError, OSError):
            self.stop("the solution's process exited (exit(), os._exit() or a crash)")
        except ValueError as exc:
            self.stop(f"the solution's process broke the protocol ({exc})")
        try:
            reply = json.loads(data, object_hook=self.hook)
        except UnplainValue:
            raise TypeError(
                "the solution returned a set or dict holding objects of its own types, which tests cannot hash"
            ) from None
        except Exception as exc:  # noqa: BLE001 - anything malformed
            self.stop(f"the solution's process broke the protocol ({type(exc).__name__})")
        kind = reply[0] if type(reply) is list and reply and type(reply[0]) is str else None
        if kind == "x" and len(reply) == 3:
            raise _exception(reply[1], reply[2])
        if kind == "s" and kind in expect:
            raise StopIteration
        if kind not in expect:
            self.stop("the solution's process broke the protocol (an unexpected reply)")
        return reply

    def request(self, op, target, *fields):
        reply = self.exchange([op, self.outgoing(target), *fields], ("v", "s") if op == "next" else ("v",))
        if len(reply) != 2:
            self.stop("the solution's process broke the protocol (bad reply)")
        return reply[1]

    def typed(self, op, target, kind):
        value = self.request(op, target)
        if type(value) is not kind:
            raise TypeError(f"{op}() of a solution object gave a {type(value).__name__}, not a {kind.__name__}")
        return value

    def judge(self, target, op, kind, *fields):
        """Comparisons, hashing and truth of solution objects: the solution's own methods decide, so only when
        the tests allow it (``strict`` off)."""
        if self.strict:
            raise UnplainValue(
                f"the test compared, hashed or truth-tested an object of type {target._r1v_type} returned by the "
                "solution; assert-style tests judge only plain values (strict_returns=false lets the solution's "
                "own __eq__ decide)"
            )
        fields = [fields[0], encode(fields[1], self.outgoing)] if fields else []
        value = self.request(op, target, *fields)
        if kind is not None and type(value) is not kind:
            raise TypeError(f"{op} of a solution object gave a {type(value).__name__}")
        return value

    def load(self, names):
        """Load the solution; ``[name, is_module, value]`` for each of ``names`` it defines."""
        reply = self.exchange(["load", sorted(names)], ("m",))
        entries = reply[1] if len(reply) == 2 and type(reply[1]) is list else None
        if entries is None or not all(
            type(e) is list and len(e) == 3 and type(e[0]) is str and e[0] in names and type(e[1]) is bool
            for e in entries
        ):
            self.stop("the solution's process broke the protocol (bad manifest)")
        return entries

    def call(self, target, args, kwargs):
        out_of = [encode(a, self.outgoing) for a in args]
        named = [[str(k), encode(v, self.outgoing)] for k, v in kwargs.items()]
        stdin = sys.stdin if sys.stdin is not self.stdio[0] else None
        start = stdin.tell() if stdin is not None and stdin.seekable() else None
        fed = stdin.read() if stdin is not None else None
        capture = sys.stdout is not self.stdio[1]
        reply = self.exchange(["call", self.outgoing(target), out_of, named, fed, capture, self.track])
        try:
            _, value, changed, output, used = reply
            if (output is not None and type(output) is not str) or any(type(c) is not list for c in changed):
                raise TypeError
            for index, state in changed:
                _copy_back(args[index], state)
            if output is not None:
                sys.stdout.write(output)
            if start is not None and type(used) is int:
                stdin.seek(start + used)
        except (ValueError, TypeError, IndexError):
            self.stop("the solution's process broke the protocol (bad call reply)")
        return value

    def stop(self, reason):
        """Kill the solution process; this test and every later one fail with ``reason``."""
        if self.gone is None:
            self.gone = reason
            self.close()
        raise Gone(reason)

    def close(self):
        """Kill the solution process (the runner reaps it with the rest of the program's process group)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass


def _copy_back(original, state):
    """The solution changed a list/dict/set/bytearray argument in place: change the test's object the same way."""
    if type(state) is not type(original) or type(original) not in MUTABLE:
        raise TypeError("bad argument state")
    if isinstance(original, (list, bytearray)):
        original[:] = state
    else:
        original.clear()
        original.update(state)


def _exception(names, message):
    """The solution's exception, as its nearest built-in class (StopIteration and friends as RuntimeError)."""
    if type(names) is not list or not names or not all(type(n) is str for n in names) or type(message) is not str:
        return TypeError("the solution raised an exception that could not be described")
    first = names[0]
    classes = (getattr(builtins, name, None) for name in names)
    cls = next((c for c in classes if isinstance(c, type) and issubclass(c, BaseException)), Exception)
    text = message if cls.__name__ == first else f"{first}: {message}"
    if cls in (StopIteration, StopAsyncIteration, GeneratorExit, KeyboardInterrupt):
        return RuntimeError(f"the solution raised {first}: {message}")
    try:
        return cls(text)
    except Exception:  # noqa: BLE001 - a built-in with a special constructor (UnicodeDecodeError, ...)
        return RuntimeError(f"{first}: {message}")


def _names(code):
    """The global and attribute names a test's code (and the code objects in it) refers to."""
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _names(const)
    return found


def _namespace(link, codes, entry_point):
    """The tests' globals: the evaluator's own builtins, and the solution's names they use, as proxies (plain
    values as data, modules imported here). A solution name that shadows a builtin is ignored (``abs = ...``
    must not change the tests' ``abs``), unless it is the entry point the tests are about."""
    wanted = set()
    for code in codes:
        wanted |= _names(code)
    wanted = {n for n in wanted if not n.startswith("__") and (n == entry_point or not hasattr(builtins, n))}
    module = types.ModuleType("solution")
    sys.modules["solution"] = module
    namespace = {"__name__": "__r1v_tests__", "__builtins__": builtins}
    for name, is_module, value in link.load(wanted):
        if is_module:
            try:
                value = __import__(name)
            except ImportError:
                continue
        namespace[name] = value
        setattr(module, name, value)
    return namespace


def _compiled(spec):
    setup = compile(spec.get("setup") or "", "tests.py", "exec")
    tests = []
    for index, test in enumerate(spec["tests"]):
        try:
            tests.append(compile(test, f"test_{index}.py", "exec"))
        except SyntaxError as exc:
            tests.append(exc)
    return setup, tests


def main():
    link = _start_solution_process()  # before the tests are read: the solution process never holds them
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the solution process may signal us; it must not steer us
    cwd = os.getcwd()
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != cwd]  # it may write .py files there
    with open(SPEC_FILE, encoding="utf-8") as fh:
        spec = json.load(fh)
    os.remove(SPEC_FILE)
    nonce = spec.pop("nonce")
    channel = os.dup(1)

    def report(**payload):
        os.write(channel, ("\n" + nonce + " " + json.dumps(payload) + "\n").encode("utf-8", "replace"))

    link.timeout = float(spec.get("timeout") or 5.0)
    link.strict = spec.get("strict", True)
    link.track = spec["kind"] != "call"
    try:
        if spec["kind"] == "call":
            _run_calls(link, spec, report)
        else:
            _run_asserts(link, spec, report)
    finally:
        link.close()
    sys.stdout.flush()
    report(done=True)


def _run_asserts(link, spec, report):
    try:
        setup, tests = _compiled(spec)
    except SyntaxError as exc:
        report(load_error="the test setup failed: " + describe(exc))
        return
    link.restart_clock()
    try:
        namespace = _namespace(link, [setup, *(t for t in tests if isinstance(t, types.CodeType))], spec.get("fn_name"))
    except BaseException as exc:  # noqa: BLE001 - the solution could not be loaded: every test fails
        report(load_error=link.gone or describe(exc))
        return
    try:
        link.restart_clock()
        exec(setup, namespace)  # noqa: S102 - the dataset's test code, in the evaluator
    except BaseException as exc:  # noqa: BLE001 - any failure of the setup fails every test
        report(load_error="the test setup failed: " + (link.gone or describe(exc)))
        return
    for index, test in enumerate(tests):
        error, start = _run_one(link, lambda: exec(test, namespace), test)  # noqa: S102, B023
        report(i=index, ok=error is None, seconds=round(time.perf_counter() - start, 6), **_error(error))
        if error is not None and spec.get("stop_on_failure"):
            return


def _run_one(link, run, test=None):
    """Run one test; its error text, or ``None`` when it passed."""
    start = time.perf_counter()
    if link.gone is not None:
        return f"not run: {link.gone}", start
    if isinstance(test, SyntaxError):
        return describe(test), start
    link.restart_clock()
    try:
        run()
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt fail the test too
        error = describe(exc)
    else:
        error = None
    return (link.gone if link.gone is not None else error), start


def _error(error):
    return {} if error is None else {"error": error}


def _run_calls(link, spec, report):
    link.restart_clock()
    try:
        _namespace(link, [], None)  # loads the solution
        fn = link.exchange(["resolve", spec["fn_name"]])[-1]
    except BaseException as exc:  # noqa: BLE001
        report(load_error=link.gone or describe(exc))
        return
    for index, args in enumerate(spec["tests"]):
        box = []
        error, start = _run_one(link, lambda: box.append(_plain_json(fn(*args))))  # noqa: B023
        seconds = round(time.perf_counter() - start, 6)
        if error is None:
            report(i=index, value=box[0], seconds=seconds)
        else:
            report(i=index, ok=False, error=error, seconds=seconds)
            if spec.get("stop_on_failure"):
                return


def _plain_json(value):
    return json.loads(json.dumps(value, default=_not_json))


def _not_json(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Remote):
        raise TypeError(f"returned an object of type {value._r1v_type}; call-based tests accept only JSON values")
    raise TypeError(f"returned a {type(value).__name__}, which is not a JSON value")


if __name__ == "__main__":
    main()
