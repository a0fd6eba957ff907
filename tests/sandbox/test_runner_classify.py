"""The in-container runner's status for a failed run: each runtime's own out-of-memory message is ``memory_limit``
(Rust's allocator and node's buffers print theirs and abort, well under the RSS line), anything else a runtime
error."""

import signal

import pytest

from r1verify_sandbox.image.r1runner import results


@pytest.mark.parametrize(
    "stderr",
    [
        b"Traceback (most recent call last):\nMemoryError\n",
        b"Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n",
        b"terminate called after throwing an instance of 'std::bad_alloc'\n",
        b"fatal error: runtime: out of memory\n",
        b"FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n",
        b"memory allocation of 4294967296 bytes failed\n",
        b"RangeError: Array buffer allocation failed\n",
    ],
)
def test_out_of_memory_messages_are_memory_limit(stderr):
    status = results.classify(None, 134, signal.SIGABRT, stderr, 0.1, 2.0, 20.0, 256)
    assert status == results.MEMORY_LIMIT


def test_other_failures_stay_runtime_errors():
    assert results.classify(None, 1, None, b"thread 'main' panicked at 'boom'\n", 0.1, 2.0, 20.0, 256) == (
        results.RUNTIME_ERROR
    )
    assert results.classify(None, 0, None, b"memory allocation of 9 bytes failed\n", 0.1, 2.0, 20.0, 256) == results.OK
