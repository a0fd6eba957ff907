"""The evaluator's side: the solution's objects as proxies (:class:`Remote`) and the pipes to its process
(:class:`Link`), the per-test deadline, and the solution's exceptions as built-in ones."""

import builtins
import json
import os
import signal
import sys
import time

from .values import MUTABLE, decoder, encode
from .wire import _Timeout, receive, send


class Gone(BaseException):
    """The solution process is gone (exited, crashed, timed out, broke the protocol): no later test passes."""


class UnplainValue(TypeError):
    """A test compared, hashed or truth-tested an object of the solution while ``strict`` is on."""


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
