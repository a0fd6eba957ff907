"""Reading datasets into samples and writing results: JSONL, JSON, Parquet and saved Hugging Face datasets.

Rows are streamed (never loaded whole, except a ``.json`` array), and a bad row raises :class:`InvalidRow`
naming the file, the row and the field, so the caller can keep everything verified before it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .result import Result
from .sample import Sample

REFERENCE_ALIASES = ("reference", "ground_truth", "answer", "solution", "label", "tests")
"""Columns tried, in order and row by row, for the reference when ``--map reference=...`` is not given."""

BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte-order mark that Windows tools (Notepad, PowerShell's ``Out-File``) write at the start of a file."""

_DEFAULT_COLUMNS = {"prompt": "prompt", "completion": "completion", "reference": None, "domain": "domain"}


class InputError(ValueError):
    """The input as a whole cannot be read (missing file, unknown format, broken JSON document)."""


def missing_column_message(name: str, column: str, data: Mapping[str, Any]) -> str:
    """Why a row lacks the column that ``--map NAME=COLUMN`` named, and what to do about it."""
    return (
        f"missing (mapped by --map {name}={column}); map another column with --map {name}=COLUMN"
        f" (columns: {', '.join(map(str, list(data)[:12]))})"
    )


class InvalidRow(ValueError):
    """One row cannot become a sample. ``where`` is ``file:line`` (JSONL) or ``file:row N``."""

    def __init__(self, where: str, field: str | None, message: str) -> None:
        self.where = where
        self.field = field
        self.message = message
        super().__init__(f"{where}: " + (f"field {field!r}: " if field else "") + message)


@dataclass
class ColumnMap:
    """Which dataset columns hold the sample fields. ``reference=None`` means: the first alias present.

    A column named explicitly (by ``--map FIELD=COLUMN`` through :meth:`parse`, or given a column other than the
    default) must be in every row: a row without it is an :class:`InvalidRow` (see :meth:`check_mapped`), never a
    sample with that field silently ``None``. The default ``prompt``, ``reference`` and ``domain`` columns stay
    optional.
    """

    prompt: str = "prompt"
    completion: str = "completion"
    reference: str | None = None
    domain: str = "domain"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, pairs: Sequence[str]) -> ColumnMap:
        """From ``["completion=response", "reference=gold"]`` (the CLI's ``--map``)."""
        cmap = cls()
        for pair in pairs:
            key, eq, column = pair.partition("=")
            key, column = key.strip(), column.strip()
            if not eq or not column:
                raise InputError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. --map completion=response")
            if key not in ("prompt", "completion", "reference", "domain"):
                raise InputError(f"--map {pair!r}: FIELD must be prompt, completion, reference or domain")
            setattr(cmap, key, column)
            cmap.mark_mapped(key)
        return cmap

    def mark_mapped(self, *fields: str) -> None:
        """Count ``fields`` as mapped explicitly even where their column is the default (``--map domain=domain``).

        Kept out of the dataclass fields, so :func:`dataclasses.asdict` (the sharded backend's job key) is as
        before; it survives pickling (Ray) but not :func:`dataclasses.replace`, where only non-default columns
        count as mapped.
        """
        self.__dict__["_mapped"] = frozenset(self.__dict__.get("_mapped", ())) | set(fields)

    def mapped(self) -> list[str]:
        """The fields whose column was named explicitly, in the order prompt, completion, reference, domain."""
        named = self.__dict__.get("_mapped", frozenset())
        return [f for f, default in _DEFAULT_COLUMNS.items() if f in named or getattr(self, f) != default]

    def check_mapped(self, row: Row) -> None:
        """Raise :class:`InvalidRow` when a column mapped explicitly (see :meth:`mapped`) is not in the row.

        The message names the row, the column, the ``--map`` that named it and the row's columns. A column that
        is present with a null value is not missing (the field is ``None``, as for an unmapped column).
        """
        for name in self.mapped():
            column = getattr(self, name)
            if column not in row.data:
                raise InvalidRow(row.where, column, missing_column_message(name, column, row.data))

    def resolve_reference(self, row: Mapping[str, Any]) -> str | None:
        """The reference column for this row: the mapped one, else the first alias with a value that is not
        already mapped to the prompt, completion or domain."""
        if self.reference is not None:
            return self.reference
        taken = {self.prompt, self.completion, self.domain}
        return next((a for a in REFERENCE_ALIASES if a not in taken and row.get(a) is not None), None)


@dataclass
class Row:
    """A raw dataset row and where it came from; ``error`` is set when the row could not be parsed.

    Readers yield broken rows instead of raising, so one bad line does not end the stream.
    """

    where: str
    data: dict[str, Any]
    error: InvalidRow | None = None


def open_rows(path: str | Path, *, split: str | None = None) -> tuple[Iterator[Row], int | None]:
    """Rows of a dataset file and the row count when it is cheap to know (for progress bars)."""
    text = str(path)
    if text == "-":
        return _jsonl_rows(sys.stdin.buffer, "<stdin>"), None
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or directory")
    if p.is_dir():
        return _hf_rows(p, split)
    suffix = p.suffix.lower()
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty (0 bytes), no rows to verify; check the step that wrote it")
    if suffix in (".jsonl", ".ndjson"):
        count = _count_lines(p)
        if count == 0:
            raise InputError(f"{p}: only blank lines, no rows to verify; check the step that wrote it")
        return _jsonl_file(p), count
    if suffix == ".json":
        return _json_rows(p)
    if suffix in (".parquet", ".pq"):
        return _parquet_rows(p)
    raise InputError(f"{p}: unknown input format {suffix!r}; use .jsonl, .json, .parquet or a saved HF dataset folder")


def _count_lines(path: Path) -> int:
    """Lines in the file (a last line without a newline counts), or 0 when every byte is whitespace."""
    count = 0
    last = b"\n"
    text = False
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
            text = text or bool(block.replace(BOM, b"").strip())
    return count + (last != b"\n") if text else 0


def _jsonl_file(path: Path) -> Iterator[Row]:
    with path.open("rb") as fh:
        yield from _jsonl_rows(fh, str(path))


def _jsonl_rows(fh: IO[bytes], name: str) -> Iterator[Row]:
    """Rows of JSON lines. A UTF-8 byte-order mark at the start of a line is dropped (as ``utf-8-sig`` does at the
    start of a file): files saved by Windows tools start with one, and ``cat``-ing such files puts one at the start
    of later lines; a shard of the file (``r1verify.backends.shards``) reads the same rows as the whole file."""
    for lineno, raw in enumerate(fh, 1):
        where = f"{name}:{lineno}"
        if raw.startswith(BOM):
            raw = raw[len(BOM) :]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = _undecodable_field(raw)
            inside = f", in field {column!r}" if column is not None else ""
            message = f"not valid UTF-8 (byte {exc.start} of the line{inside}); save the file as UTF-8"
            yield Row(where, {}, InvalidRow(where, None, message))
            continue
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield Row(where, {}, InvalidRow(where, None, json_error_message(exc)))
            continue
        if not isinstance(data, dict):
            yield Row(where, {}, InvalidRow(where, None, f"expected a JSON object, got {type(data).__name__}"))
            continue
        yield Row(where, data)


def json_error_message(exc: ValueError | RecursionError) -> str:
    """Why ``json.loads`` refused a document, in words that say what to fix.

    Besides syntax errors (``JSONDecodeError``) Python refuses integer literals over 4,300 digits
    (``ValueError``) and documents nested deeper than the interpreter's recursion limit (``RecursionError``).
    """
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON ({exc.msg} at column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "JSON nested too deep (over ~1,000 levels); flatten the value or store it as a string"
    digits = "an integer literal over 4,300 digits" if "digits" in str(exc) else str(exc)
    return f"unreadable JSON value ({digits}); store such numbers as strings"


def _undecodable_field(raw: bytes) -> str | None:
    """The top-level field of a JSON line whose value (or key) holds the bytes that are not UTF-8, if any."""
    try:
        data = json.loads(raw.decode("utf-8", "surrogateescape"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None

    def bad(value: Any) -> bool:
        if isinstance(value, str):
            return any("\udc80" <= ch <= "\udcff" for ch in value)
        if isinstance(value, dict):
            return any(bad(k) or bad(v) for k, v in value.items())
        if isinstance(value, list):
            return any(bad(v) for v in value)
        return False

    for key, value in data.items():
        if bad(key) or bad(value):
            return key.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return None


def _json_rows(path: Path) -> tuple[Iterator[Row], int]:
    raw = path.read_bytes()
    bom = len(BOM) if raw.startswith(BOM) else 0  # a byte-order mark (Windows tools) is dropped, as utf-8-sig does
    try:
        doc = json.loads(raw[bom:].decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        at = exc.start + bom
        raise InputError(f"{path}:{line}: not valid UTF-8 (byte {at} of the file); save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{path}: {json_error_message(exc)}") from None
    if isinstance(doc, dict) and isinstance(doc.get("data"), list):
        doc = doc["data"]
    if not isinstance(doc, list):
        raise InputError(f'{path}: expected a JSON array of objects (or {{"data": [...]}})')
    if not doc:
        raise InputError(f"{path}: an empty JSON array, no rows to verify")

    def rows() -> Iterator[Row]:
        for i, data in enumerate(doc, 1):
            where = f"{path}:row {i}"
            if not isinstance(data, dict):
                yield Row(where, {}, InvalidRow(where, None, f"expected a JSON object, got {type(data).__name__}"))
                continue
            yield Row(where, data)

    return rows(), len(doc)


def _parquet_rows(path: Path) -> tuple[Iterator[Row], int]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for broken files
        raise InputError(f"{path}: cannot read Parquet ({exc})") from None

    if pf.metadata.num_rows == 0:
        raise InputError(f"{path}: a Parquet file with no rows, nothing to verify")

    def rows() -> Iterator[Row]:
        first = 1  # row number of the row group's first row
        for group in range(pf.metadata.num_row_groups):
            size = pf.metadata.row_group(group).num_rows
            i = first - 1
            try:
                for batch in pf.iter_batches(batch_size=1024, row_groups=[group]):
                    for data in batch.to_pylist():
                        i += 1
                        yield Row(f"{path}:row {i}", data)
            except Exception as exc:  # noqa: BLE001 - a damaged page: pyarrow raises OSError, ArrowInvalid, ...
                where = f"{path}:row {i + 1}"
                last = first + size - 1
                reason = " ".join(str(exc).split()).rstrip(". ")
                message = f"cannot read Parquet row group {group} (rows {i + 1}-{last}): {reason}; the file is damaged"
                yield Row(where, {}, InvalidRow(where, None, message + " or truncated, write it again"))
            first += size

    return rows(), pf.metadata.num_rows


def _hf_rows(path: Path, split: str | None) -> tuple[Iterator[Row], int]:
    try:
        import datasets
    except ImportError:
        raise InputError(f"{path}: reading a saved Hugging Face dataset needs `pip install r1verify[hf]`") from None
    try:
        ds = datasets.load_from_disk(str(path))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: not a dataset saved with save_to_disk ({exc})") from None
    if isinstance(ds, datasets.DatasetDict):
        if split is None:
            if len(ds) != 1:
                raise InputError(f"{path}: a DatasetDict with splits {', '.join(ds)}; choose one with --split")
            split = next(iter(ds))
        if split not in ds:
            raise InputError(f"{path}: no split {split!r}; splits: {', '.join(ds)}")
        ds = ds[split]

    def rows() -> Iterator[Row]:
        for i, data in enumerate(ds, 1):
            yield Row(f"{path}:row {i}", dict(data))

    return rows(), len(ds)


def completion_text(value: Any) -> str:
    """A completion as text: a string, or the last assistant message of a chat list."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(m, dict) for m in value):
        assistant = [m for m in value if m.get("role", "assistant") == "assistant"]
        if not assistant:
            raise TypeError("the chat messages have no assistant message to verify")
        content = assistant[-1].get("content")
        if isinstance(content, str):
            return content
    raise TypeError(f"expected a string or a list of chat messages, got {type(value).__name__}")


def to_sample(row: Row, cmap: ColumnMap) -> Sample:
    """Build a sample from a row; raises :class:`InvalidRow` naming the field that is wrong.

    Without ``--map reference=...`` the reference is the row's first column among :data:`REFERENCE_ALIASES`.
    A column mapped explicitly (``--map reference=gold``) that the row lacks is an :class:`InvalidRow`; the
    default ``prompt``/``reference``/``domain`` columns may be absent (the field is then ``None``).
    """
    if row.error is not None:
        raise row.error
    data = row.data
    if cmap.completion not in data:
        hint = f"; map another column with --map completion=COLUMN (columns: {', '.join(list(data)[:12])})"
        raise InvalidRow(row.where, cmap.completion, "missing" + hint)
    cmap.check_mapped(row)
    try:
        completion = completion_text(data[cmap.completion])
    except TypeError as exc:
        raise InvalidRow(row.where, cmap.completion, str(exc)) from None
    prompt = data.get(cmap.prompt)
    if prompt is not None and not isinstance(prompt, (str, list)):
        raise InvalidRow(row.where, cmap.prompt, f"expected a string or chat messages, got {type(prompt).__name__}")
    domain = data.get(cmap.domain)
    if domain is not None and not isinstance(domain, str):
        raise InvalidRow(row.where, cmap.domain, f"expected a string, got {type(domain).__name__}")
    reference_column = cmap.resolve_reference(data)
    used = {cmap.completion, cmap.prompt, cmap.domain, reference_column}
    meta = {k: v for k, v in data.items() if k not in used}
    reference = data.get(reference_column) if reference_column else None
    return Sample(completion=completion, prompt=prompt, reference=reference, domain=domain, meta=meta)


def output_record(row: Row, result: Result) -> dict[str, Any]:
    """The row's own fields plus ``reward``, ``passed`` and ``verdicts``."""
    record = dict(row.data)
    record.update(result.to_dict())
    return record


def write_jsonl(fh: IO[str], record: Mapping[str, Any]) -> None:
    fh.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
