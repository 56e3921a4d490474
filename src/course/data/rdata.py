"""Read R's serialized objects and lazy-load databases (``Rdata.rdb`` / ``Rdata.rdx``).

CRAN packages ship their data sets as a *lazy-load database*: ``Rdata.rdx`` is a compressed
serialized R list whose ``variables`` element maps each object's name to ``(offset, length)`` in
``Rdata.rdb``; each record there is a 4-byte big-endian length (of the uncompressed data) then a
compressed stream (zlib by default; a type byte ``'2'`` bzip2, ``'Z'`` xz, ``'0'`` none when R
used another ``compress`` type) holding R's XDR serialization of the object.

This module reads the subset of the serialization format (R Internals, section 1.8) that data
packages use: ``NULL``, symbols, pairlists (attributes), logical, integer, real, character and
list vectors, plus the compact ALTREP integer/real sequences R 3.5+ writes for row names.
Objects come back as plain Python values: ``None``, ``list`` (character, integer and real
vectors; ``NA`` becomes ``None``), :class:`RList` for generic vectors (a ``list`` with an
``attributes`` dict, e.g. ``names``).

>>> obj = ["a", None, "c"]
>>> unserialize(serialize_strings(obj))
['a', None, 'c']
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import struct
import zlib
from pathlib import Path
from typing import Any

__all__ = ["RList", "RVector", "unserialize", "read_rds", "read_lazyload_db", "serialize_strings"]

# SEXP type codes (R Internals, "Serialization formats"; src/main/serialize.c)
NILSXP, SYMSXP, LISTSXP, CHARSXP, LGLSXP, INTSXP, REALSXP, STRSXP, VECSXP, EXPRSXP = (
    0, 1, 2, 9, 10, 13, 14, 16, 19, 20)
ALTREP_SXP, ATTRLISTSXP, EMPTYENV_SXP, BASEENV_SXP = 238, 239, 242, 241
GLOBALENV_SXP, UNBOUNDVALUE_SXP, MISSINGARG_SXP, BASENAMESPACE_SXP = 253, 252, 251, 247
NILVALUE_SXP, REFSXP = 254, 255
NA_INTEGER = -(2**31)
IS_OBJECT_BIT, HAS_ATTR_BIT, HAS_TAG_BIT = 1 << 8, 1 << 9, 1 << 10
UTF8_MASK, LATIN1_MASK = 1 << 3, 1 << 2


class RList(list):
    """An R generic vector (``VECSXP``): a ``list`` plus R ``attributes`` (``names``, ``class``...)."""

    def __init__(self, items=(), attributes: dict | None = None):
        super().__init__(items)
        self.attributes = attributes or {}


class RVector(list):
    """An atomic R vector that carried attributes (e.g. a factor's ``levels``)."""

    def __init__(self, items=(), attributes: dict | None = None):
        super().__init__(items)
        self.attributes = attributes or {}


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0
        self.refs: list[Any] = []

    def int(self) -> int:
        (value,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return value

    def ints(self, n: int) -> list[int | None]:
        values = struct.unpack_from(f">{n}i", self.data, self.pos)
        self.pos += 4 * n
        return [None if v == NA_INTEGER else v for v in values]

    def doubles(self, n: int) -> list[float | None]:
        values = struct.unpack_from(f">{n}d", self.data, self.pos)
        self.pos += 8 * n
        # R's NA_real_ is a NaN with payload 1954; plain NaN stays NaN
        return [None if (v != v and struct.pack(">d", v)[-2:] == b"\x07\xa2") else v for v in values]

    def bytes(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def length(self) -> int:
        n = self.int()
        if n == -1:  # long vector: two more ints
            hi, lo = self.int(), self.int()
            n = (hi << 32) + lo
        return n

    def attributes(self, flags: int) -> dict:
        if not flags & HAS_ATTR_BIT:
            return {}
        pairs = self.item()
        return dict(pairs) if isinstance(pairs, _Pairlist) else {}

    def item(self) -> Any:
        flags = self.int()
        kind = flags & 0xFF
        if kind in (NILVALUE_SXP, EMPTYENV_SXP, BASEENV_SXP, GLOBALENV_SXP, UNBOUNDVALUE_SXP,
                    MISSINGARG_SXP, BASENAMESPACE_SXP):
            return None
        if kind == REFSXP:
            index = flags >> 8
            if index == 0:
                index = self.int()
            return self.refs[index - 1]
        if kind == SYMSXP:
            name = self.item()  # a CHARSXP
            self.refs.append(name)
            return name
        if kind in (LISTSXP, ATTRLISTSXP):
            out = _Pairlist()
            while kind in (LISTSXP, ATTRLISTSXP):
                attrs = self.attributes(flags)
                del attrs
                tag = self.item() if flags & HAS_TAG_BIT else None
                out.append((tag, self.item()))
                flags = self.int()
                kind = flags & 0xFF
            if kind != NILVALUE_SXP:  # a dotted pair ending: read and drop the tail
                self.pos -= 4
                self.item()
            return out
        if kind == CHARSXP:
            n = self.int()
            if n == -1:
                return None
            raw = self.bytes(n)
            levels = flags >> 12
            return raw.decode("latin-1" if levels & LATIN1_MASK else "utf-8", errors="replace")
        if kind in (LGLSXP, INTSXP):
            values = self.ints(self.length())
            if kind == LGLSXP:
                values = [None if v is None else bool(v) for v in values]
            return self._with_attributes(values, flags)
        if kind == REALSXP:
            return self._with_attributes(self.doubles(self.length()), flags)
        if kind == STRSXP:
            n = self.length()
            return self._with_attributes([self.item() for _ in range(n)], flags)
        if kind in (VECSXP, EXPRSXP):
            n = self.length()
            items = [self.item() for _ in range(n)]
            return RList(items, self.attributes(flags))
        if kind == ALTREP_SXP:
            info = self.item()
            state = self.item()
            attrs = self.item()
            cls = info[0][1] if info else None
            if cls in ("compact_intseq", "compact_realseq"):
                n, start, step = (int(x) for x in state[:3])
                values = [start + i * step for i in range(n)]
            elif cls in ("wrap_integer", "wrap_real", "wrap_string", "wrap_logical", "wrap_list"):
                values = state[0][1] if isinstance(state, _Pairlist) else state[0]
            elif cls == "deferred_string":
                values = [None if v is None else _format_number(v) for v in state[0][1]]
            else:
                raise ValueError(f"Unsupported ALTREP class {cls!r} in R serialization")
            if isinstance(attrs, _Pairlist) and attrs:
                return RVector(values, dict(attrs))
            return values
        raise ValueError(f"Unsupported R SEXP type {kind} at byte {self.pos - 4}")

    def _with_attributes(self, values: list, flags: int):
        attrs = self.attributes(flags)
        return RVector(values, attrs) if attrs else values


class _Pairlist(list):
    """An R pairlist read as a list of ``(tag, value)`` pairs."""


def _format_number(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def unserialize(data: bytes) -> Any:
    """Decode one object from R's XDR serialization (the format of ``saveRDS``/``serialize``).

    Parameters
    ----------
    data : bytes
        Uncompressed serialization starting with ``b"X\\n"``.

    Returns
    -------
    object
        ``None``, a list (atomic vector; ``NA`` -> ``None``), :class:`RVector` or :class:`RList`.
    """
    if not data.startswith(b"X\n"):
        raise ValueError(
            f"Not an R XDR serialization (expected the header b'X\\n', got {data[:2]!r}); "
            "ASCII and native-binary formats are not supported."
        )
    reader = _Reader(data)
    reader.pos = 2
    version = reader.int()
    reader.int()  # writer's R version
    reader.int()  # minimal reader version
    if version == 3:
        reader.bytes(reader.int())  # native encoding name
    elif version != 2:
        raise ValueError(f"Unsupported R serialization version {version}")
    return reader.item()


def _decompress(data: bytes) -> bytes:
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:3] == b"BZh":
        return bz2.decompress(data)
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(data)
    return data


def read_rds(path: str | Path) -> Any:
    """Read an ``.rds`` file (``saveRDS``: gzip, bzip2, xz or uncompressed)."""
    return unserialize(_decompress(Path(path).read_bytes()))


def _lazyload_record(blob: bytes) -> bytes:
    """Decompress one lazy-load record: 4-byte big-endian length, then the compressed stream."""
    (size,) = struct.unpack(">I", blob[:4])
    body = blob[4:]
    kind = body[:1]
    if kind == b"Z":
        out = lzma.decompress(body[1:])
    elif kind == b"2":
        out = bz2.decompress(body[1:])
    elif kind == b"0":
        out = body[1:]
    else:
        out = zlib.decompress(body)
    if len(out) != size:
        raise ValueError(f"Lazy-load record: expected {size} bytes after decompression, got {len(out)}")
    return out


def read_lazyload_db(rdb: str | Path, names: list[str] | None = None) -> dict[str, Any]:
    """Read the objects of an R lazy-load database ``<stem>.rdb`` (with its ``<stem>.rdx``).

    Parameters
    ----------
    rdb : str or Path
        Path to ``Rdata.rdb``; the index ``Rdata.rdx`` must sit next to it.
    names : list of str, optional
        Objects to read (default: all).

    Returns
    -------
    dict
        ``{name: object}`` in the index's order.
    """
    rdb = Path(rdb)
    index = read_rds(rdb.with_suffix(".rdx"))
    variables = index[index.attributes["names"].index("variables")]
    var_names = variables.attributes["names"]
    out = {}
    with open(rdb, "rb") as f:
        for name, (offset, length) in zip(var_names, variables):
            if names is not None and name not in names:
                continue
            f.seek(int(offset))
            out[name] = unserialize(_lazyload_record(f.read(int(length))))
    return out


def serialize_strings(values: list[str | None], names: list[str] | None = None) -> bytes:
    """Serialize a character vector (optionally named) the way R does (XDR, version 2).

    A tiny writer used to make test fixtures; it is the inverse of :func:`unserialize` for
    character vectors.
    """
    out = [b"X\n", struct.pack(">iii", 2, 0x040000, 0x020300)]

    def strsxp(items, with_attr=False):
        flags = STRSXP | (HAS_ATTR_BIT if with_attr else 0)
        buf = [struct.pack(">ii", flags, len(items))]
        for v in items:
            if v is None:
                buf.append(struct.pack(">ii", CHARSXP, -1))
            else:
                raw = v.encode("utf-8")
                buf.append(struct.pack(">ii", CHARSXP | (UTF8_MASK << 12), len(raw)) + raw)
        return b"".join(buf)

    if names is None:
        out.append(strsxp(values))
    else:
        out.append(strsxp(values, with_attr=True))
        # attributes pairlist: tag = symbol "names", value = character vector, then NILVALUE
        out.append(struct.pack(">i", LISTSXP | HAS_TAG_BIT))
        out.append(struct.pack(">i", SYMSXP) + struct.pack(">ii", CHARSXP, 5) + b"names")
        out.append(strsxp(names))
        out.append(struct.pack(">i", NILVALUE_SXP))
    return b"".join(out)
