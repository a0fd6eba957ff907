"""The solution process: forked before the tests are read, it loads the solution and serves the evaluator's
requests. Nothing in it is trusted."""

import builtins
import io
import json
import operator
import os
import sys
import types

from .remote import Link
from .values import MUTABLE, _message, decoder, encode
from .wire import receive, send

SOLUTION_FILE = "solution.py"


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
