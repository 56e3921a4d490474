"""Fault class 4: word2vec files that disagree with their header, are in the other format, do not
decode, ask for an absurd allocation or repeat a word. Every message names the file and the line
(text) or row (binary); saving never leaves a partial file.
"""

import time

import numpy as np
import pytest

from course.vectors import MAX_LOAD_BYTES, KeyedVectors

load = KeyedVectors.load_word2vec_format


def binary_file(path, words, vectors, header=None):
    vectors = np.asarray(vectors, dtype="<f4")
    head = header if header is not None else f"{len(words)} {vectors.shape[1]}\n".encode()
    path.write_bytes(head + b"".join(w.encode() + b" " + v.tobytes() + b"\n" for w, v in zip(words, vectors)))
    return path


def test_header_counts_disagree_with_the_rows(tmp_path):
    p = tmp_path / "v.txt"
    p.write_text("2 2\na 1 2\nb 3 4\nc 5 6\n")
    with pytest.raises(
        ValueError, match=rf"{p}: the header says 2 rows but the file holds more: line 4 starts b'c 5 6'"
    ):
        load(p)
    assert load(p, limit=2).index_to_key == ["a", "b"]  # asking for the first rows is fine
    p.write_text("3 2\na 1 2\nb 3 4\n")
    with pytest.raises(ValueError, match=rf"{p}: the header says 3 rows but the file ends after 2"):
        load(p)
    p.write_text("2 3\na 1 2 3\nb 3 4\n")
    with pytest.raises(ValueError, match=rf"{p}, line 3: expected a word and 3 numbers .*Got 2 numbers"):
        load(p)
    p.write_text("2 2\na 1 2\nb 3 4\n\n  \n")  # trailing blank lines are not rows
    assert len(load(p)) == 2
    b = binary_file(tmp_path / "v.bin", ["a", "b", "c"], np.ones((3, 2)), header=b"2 2\n")
    with pytest.raises(ValueError, match=rf"{b}: the header says 2 rows but the file holds more: row 3"):
        load(b, binary=True)


def test_text_read_as_binary_and_binary_read_as_text(tmp_path):
    rng = np.random.default_rng(0)
    kv = KeyedVectors(["the", "cat", "sat"], rng.normal(size=(3, 4)).astype(np.float32))
    t, b = tmp_path / "v.txt", tmp_path / "v.bin"
    kv.save_word2vec_format(t)
    kv.save_word2vec_format(b, binary=True)
    with pytest.raises(ValueError, match=rf"{t}: binary=True, but line 2 is a text row .*Pass binary=False"):
        load(t, binary=True)
    with pytest.raises(
        ValueError,
        match=rf"{b}: binary=False, but the bytes after the header are not text rows"
        r".*Pass binary=True",
    ):
        load(b)
    ones = KeyedVectors(["a", "b"], np.ones((2, 2), dtype=np.float32))  # 1.0 is b"\x00\x00\x80?"
    ones.save_word2vec_format(b, binary=True)
    with pytest.raises(ValueError, match="looks like the binary format"):
        load(b)
    np.testing.assert_array_equal(load(b, binary=True).vectors, ones.vectors)


def test_undecodable_bytes_name_the_line_and_offer_encoding_and_errors(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("2 2\nabc 1 2\ncaf\u00e9 3 4\n".encode("latin-1"))
    with pytest.raises(
        ValueError,
        match=rf"{p}, line 3: the bytes are not valid utf-8 .*Pass the file's 'encoding', "
        r"or errors='replace'",
    ):
        load(p)
    assert load(p, encoding="latin-1").index_to_key == ["abc", "caf\u00e9"]
    assert load(p, errors="replace").index_to_key == ["abc", "caf\ufffd"]
    assert load(p, errors="ignore").index_to_key == ["abc", "caf"]
    b = binary_file(tmp_path / "latin1.bin", ["abc", "caf\u00e9"], np.ones((2, 2)))
    b.write_bytes(b.read_bytes().replace("caf\u00e9".encode(), "caf\u00e9".encode("latin-1")))
    with pytest.raises(ValueError, match=rf"{b}: the word of row 2 is not valid utf-8"):
        load(b, binary=True)
    assert load(b, binary=True, encoding="latin-1").index_to_key == ["abc", "caf\u00e9"]
    with pytest.raises(ValueError, match="'encoding' parameter of KeyedVectors.load_word2vec_format must be a codec"):
        load(p, encoding="no-such-codec")
    with pytest.raises(ValueError, match="'errors' parameter of KeyedVectors.load_word2vec_format must be an error"):
        load(p, errors="whatever")


def test_absurd_headers_are_refused_before_allocating(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_text("1000000000 1000\na 1 2\n")
    start = time.perf_counter()
    with pytest.raises(
        ValueError,
        match=rf"{p}: the header asks for 1,000,000,000 x 1,000 float32 values "
        r"\(3,725.3 GiB\), more than this reader allocates .*Pass 'limit'",
    ):
        load(p)
    assert 4 * 10**12 > MAX_LOAD_BYTES
    p.write_text("20000000 100\na 1 2\n")  # 8 GB would fit the cap, not this 13-byte file
    with pytest.raises(
        ValueError,
        match=rf"{p}: the header says 20,000,000 rows of 100 values, but the 6 bytes after"
        r" it hold at most 0 such rows",
    ):
        load(p)
    b = tmp_path / "huge.bin"
    b.write_bytes(b"5000000 100\n" + b"x " + bytes(400))
    with pytest.raises(ValueError, match="the 402 bytes after it hold at most 1 such rows"):
        load(b, binary=True)
    assert time.perf_counter() - start < 1.0  # nothing was allocated or read row by row
    p.write_text("1000000000 2\na 1 2\nb 3 4\n")  # a huge header is fine with a small limit
    assert load(p, limit=2).index_to_key == ["a", "b"]


def test_duplicate_words_name_both_lines(tmp_path):
    p = tmp_path / "dup.txt"
    p.write_text("3 2\na 1 2\nb 3 4\na 5 6\n")
    with pytest.raises(ValueError, match=rf"{p}: the word 'a' appears twice, on lines 2 and 4"):
        load(p)
    b = binary_file(tmp_path / "dup.bin", ["a", "b", "a"], np.ones((3, 2)))
    with pytest.raises(ValueError, match=rf"{b}: the word 'a' appears twice, in rows 1 and 3"):
        load(b, binary=True)


def test_save_is_atomic(tmp_path):
    p = tmp_path / "v.txt"
    KeyedVectors(["old"], np.ones((1, 2), dtype=np.float32)).save_word2vec_format(p)
    before = p.read_bytes()
    unencodable = KeyedVectors(["good", "bad\ud800"], np.zeros((2, 2), dtype=np.float32))  # a lone surrogate
    for binary in (False, True):
        with pytest.raises(UnicodeEncodeError):
            unencodable.save_word2vec_format(p, binary=binary)  # fails after the header and one row
        assert p.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["v.txt"]  # no temporary file left behind
