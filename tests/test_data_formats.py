"""Each reader on a small fixture written by the test (and on the real files when they are present)."""

import bz2
import gzip
import struct
import zlib

import pytest

from course.base.paths import data_dir
from course.data import readers
from course.data.rdata import RList, read_lazyload_db, read_rds, serialize_strings, unserialize
from course.data.sword import osis_to_text, read_ztext

# --------------------------------------------------------------------------- R serialization
# A minimal XDR writer, independent of the reader: it follows R Internals 1.8 directly.


class StrVec(list):
    pass


class IntVec(list):
    pass


class RealVec(list):
    pass


class LglVec(list):
    pass


class Generic:
    def __init__(self, items, names=None):
        self.items, self.names = items, names


def _charsxp(value):
    if value is None:
        return struct.pack(">ii", 9, -1)
    raw = value.encode("utf-8")
    return struct.pack(">ii", 9 | (8 << 12), len(raw)) + raw


class _Writer:
    def __init__(self):
        self.symbols = []

    def symbol(self, name):
        if name in self.symbols:  # second use: a reference, packed in the flags
            return struct.pack(">i", 255 | ((self.symbols.index(name) + 1) << 8))
        self.symbols.append(name)
        return struct.pack(">i", 1) + _charsxp(name)

    def names_attribute(self, names):
        return (
            struct.pack(">i", 2 | (1 << 10)) + self.symbol("names") + self.item(StrVec(names)) + struct.pack(">i", 254)
        )

    def item(self, obj):
        if obj is None:
            return struct.pack(">i", 254)
        if isinstance(obj, Generic):
            has_attr = obj.names is not None
            out = struct.pack(">ii", 19 | (has_attr << 9), len(obj.items))
            out += b"".join(self.item(x) for x in obj.items)
            return out + (self.names_attribute(obj.names) if has_attr else b"")
        if isinstance(obj, StrVec):
            return struct.pack(">ii", 16, len(obj)) + b"".join(_charsxp(x) for x in obj)
        if isinstance(obj, IntVec):
            values = [-(2**31) if v is None else v for v in obj]
            return struct.pack(f">ii{len(obj)}i", 13, len(obj), *values)
        if isinstance(obj, LglVec):
            values = [-(2**31) if v is None else int(v) for v in obj]
            return struct.pack(f">ii{len(obj)}i", 10, len(obj), *values)
        if isinstance(obj, RealVec):
            return struct.pack(f">ii{len(obj)}d", 14, len(obj), *obj)
        raise TypeError(obj)


def r_serialize(obj, version=3):
    header = b"X\n" + struct.pack(">iii", version, 0x040300, 0x030500)
    if version == 3:
        header += struct.pack(">i", 5) + b"UTF-8"
    return header + _Writer().item(obj)


def test_unserialize_atomic_vectors_and_lists():
    obj = Generic(
        [
            StrVec(["It is a truth", None, "caf\u00e9"]),
            IntVec([1, None, -3]),
            RealVec([0.5, 2.0]),
            LglVec([True, False, None]),
            None,
            Generic([StrVec(["x"])], names=["inner"]),
        ],
        names=["text", "ints", "reals", "flags", "nothing", "nested"],
    )
    for version in (2, 3):
        out = unserialize(r_serialize(obj, version))
        assert isinstance(out, RList)
        assert out.attributes["names"] == ["text", "ints", "reals", "flags", "nothing", "nested"]
        assert out[0] == ["It is a truth", None, "caf\u00e9"]
        assert out[1] == [1, None, -3]
        assert out[2] == [0.5, 2.0]
        assert out[3] == [True, False, None]
        assert out[4] is None
        assert out[5].attributes["names"] == ["inner"]  # the second "names" symbol is a REFSXP
        assert out[5][0] == ["x"]


def test_serialize_strings_round_trip_and_bad_header():
    assert unserialize(serialize_strings(["a", None])) == ["a", None]
    named = unserialize(serialize_strings(["1", "2"], names=["a", "b"]))
    assert named == ["1", "2"] and named.attributes["names"] == ["a", "b"]
    with pytest.raises(ValueError, match="Not an R XDR serialization"):
        unserialize(b"A\n...")


def test_read_rds_gzip(tmp_path):
    path = tmp_path / "x.rds"
    path.write_bytes(gzip.compress(r_serialize(StrVec(["hello"]))))
    assert read_rds(path) == ["hello"]


def _write_lazyload_db(folder, objects):
    """Write Rdata.rdb / Rdata.rdx the way R's makeLazyLoadDB does (zlib records, gzip index)."""
    rdb = b""
    offsets = {}
    for name, obj in objects.items():
        payload = r_serialize(obj)
        record = struct.pack(">I", len(payload)) + zlib.compress(payload)
        offsets[name] = (len(rdb), len(record))
        rdb += record
    (folder / "Rdata.rdb").write_bytes(rdb)
    variables = Generic([IntVec(list(v)) for v in offsets.values()], names=list(offsets))
    index = Generic([variables, Generic([]), LglVec([True])], names=["variables", "references", "compressed"])
    (folder / "Rdata.rdx").write_bytes(gzip.compress(r_serialize(index)))
    return folder / "Rdata.rdb"


def test_read_lazyload_db(tmp_path):
    rdb = _write_lazyload_db(
        tmp_path,
        {
            "emma": StrVec(["EMMA", "", "CHAPTER I", "Emma Woodhouse, handsome, clever, and rich."]),
            "mobydick": StrVec(["Call me Ishmael."]),
        },
    )
    db = read_lazyload_db(rdb)
    assert list(db) == ["emma", "mobydick"]
    assert db["emma"][3] == "Emma Woodhouse, handsome, clever, and rich."
    assert read_lazyload_db(rdb, names=["mobydick"]) == {"mobydick": ["Call me Ishmael."]}


def _real(path):
    full = data_dir() / "cache" / "pkgs" / path
    if not full.exists():
        pytest.skip(f"{full} not fetched (run `python -m course.data build`)")
    return full


def test_real_janeaustenr_database():
    db = read_lazyload_db(_real("r-cran-janeaustenr/usr/lib/R/site-library/janeaustenr/data/Rdata.rdb"))
    assert sorted(db) == [
        "emma",
        "mansfieldpark",
        "northangerabbey",
        "persuasion",
        "prideprejudice",
        "sensesensibility",
    ]
    assert db["prideprejudice"][0] == "PRIDE AND PREJUDICE"
    assert len(db["emma"]) == 16235
    assert any(line.startswith("It is a truth universally acknowledged") for line in db["prideprejudice"])


def test_real_tokenizers_mobydick():
    db = read_lazyload_db(_real("r-cran-tokenizers/usr/lib/R/site-library/tokenizers/data/Rdata.rdb"))
    assert "Call me Ishmael." in db["mobydick"][0]


# --------------------------------------------------------------------------- SWORD zText


def _write_ztext(folder, testament, blocks):
    data, index = b"", b""
    for block in blocks:
        compressed = zlib.compress(block)
        index += struct.pack("<III", len(data), len(compressed), len(block))
        data += compressed
    (folder / f"{testament}.bzz").write_bytes(data)
    (folder / f"{testament}.bzs").write_bytes(index)


def test_read_ztext_chapters_across_blocks(tmp_path):
    _write_ztext(
        tmp_path,
        "ot",
        [
            b'<milestone type="x-importer"/>',
            b'<div osisID="Gen" type="book"/><title type="main">Genesis</title><chapter osisID="Gen.1" sID="Gen.1"/>'
            b'In the <w lemma="H7225">beginning</w> God created.<note placement="foot">Heb. x</note> And it',
            b' was good. <chapter osisID="Gen.2" sID="Gen.2"/>Thus the heavens &amp; the earth.'
            b'<div osisID="Exod" type="book"/><title>Exodus</title><chapter sID="Exod.1"/>Now these.',
        ],
    )
    _write_ztext(tmp_path, "nt", [b'<chapter sID="Matt.1"/>The book.<lb/>Next\\nd line.'])
    chapters = list(read_ztext(tmp_path))
    assert chapters == [
        ("Gen.1", "In the beginning God created. And it was good."),
        ("Gen.2", "Thus the heavens & the earth."),
        ("Exod.1", "Now these."),
        ("Matt.1", "The book. Next line."),
    ]


def test_read_ztext_rejects_a_corrupt_index(tmp_path):
    (tmp_path / "ot.bzs").write_bytes(b"\x00" * 13)
    (tmp_path / "ot.bzz").write_bytes(b"")
    with pytest.raises(ValueError, match="multiple of 12"):
        list(read_ztext(tmp_path))


def test_osis_to_text_keeps_words_apart():
    assert osis_to_text("<w>God</w>\u2019s <l/>word<q>s</q> \u00b6 here") == "God\u2019s words here"  # <q> is inline


def test_real_kjv_module():
    module = _real("sword-text-kjv/usr/share/sword/modules/texts/ztext/engKJV2006eb")
    chapters = list(read_ztext(module))
    assert len(chapters) == 1189  # the Protestant canon's chapter count
    assert chapters[0][1].startswith("In the beginning God created the heaven and the earth.")
    assert chapters[-1][0] == "Rev.22"


# --------------------------------------------------------------------------- dictd / GCIDE


def _b64(n):
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        out = digits[n % 64] + out
        n //= 64
        if n == 0:
            return out


def test_read_dictd_and_clean_gcide(tmp_path):
    entries = [
        ("00-database-info", "This file was converted.\n"),
        (
            "Bonnibel",
            'Bonnibel \\Bon"ni*bel\\ (b[o^]n"n[i^]*b[e^]l), n. [F.]\n   A handsome girl. [Obs.]\n'
            "   See {Belle}. --Spenser.\n   [1913 Webster]\n",
        ),
        ("Caf\u00e9", "Caf\u00e9 \\Ca*f['e]\\, n.\n   A coffee house; a restaurant. [Colloq.]\n   [PJC]\n"),
    ]
    body, index = b"", []
    for head, text in entries:
        raw = text.encode("utf-8")
        index.append(f"{head}\t{_b64(len(body))}\t{_b64(len(raw))}")
        body += raw
    index.append(f"Bonny-bel\t{index[1].split(chr(9))[1]}\t{index[1].split(chr(9))[2]}")  # alias, same entry
    (tmp_path / "x.dict.dz").write_bytes(gzip.compress(body))
    (tmp_path / "x.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    got = list(readers.read_dictd(tmp_path / "x.dict.dz"))
    assert [h for h, _ in got] == ["Bonnibel", "Caf\u00e9"]
    assert readers.clean_gcide(got[0][1]) == ["Bonnibel , n. A handsome girl. See Belle. -- Spenser."]
    assert readers.clean_gcide(got[1][1]) == ["Caf\u00e9 , n. A coffee house; a restaurant."]


def test_gcide_accent_codes():
    assert readers.clean_gcide("[ae]on, [imac]t, m[=a]ke, [oe]uvre, [root]") == ["aeon, it, make, oeuvre, [root]"]


# --------------------------------------------------------------------------- small formats


def test_wordnet_glosses(tmp_path):
    path = tmp_path / "data.noun"
    path.write_text(
        "  1 This software and database is being provided to you, the LICENSEE, by\n"
        "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived or known  \n"
        "09213565 17 n 01 bank 0 000 | sloping land (especially the slope beside a body of water); "
        '"they pulled the canoe up on the bank"; "he sat on the bank of the river"  \n',
        encoding="utf-8",
    )
    assert list(readers.read_wordnet_glosses(path)) == [
        ("00001740-n", ["that which is perceived or known"]),
        (
            "09213565-n",
            [
                "sloping land (especially the slope beside a body of water)",
                "they pulled the canoe up on the bank",
                "he sat on the bank of the river",
            ],
        ),
    ]


def test_fortunes_and_polarity_csv(tmp_path):
    (tmp_path / "f").write_text("A bird in hand.\n\t\t-- Anon\n%\n%\nSecond\none.\n", encoding="utf-8")
    assert list(readers.read_fortunes(tmp_path / "f")) == ["A bird in hand.\n\t\t-- Anon", "Second\none."]
    (tmp_path / "p.csv").write_text('\ufeff"1","a fine , fun film .\nsee it ."\n"-1","bad ."\n', encoding="utf-8")
    assert list(readers.read_polarity_csv(tmp_path / "p.csv")) == ["a fine , fun film .\nsee it .", "bad ."]


def test_gutenberg_helpers():
    text = (
        "Header\n*** START OF THIS PROJECT GUTENBERG EBOOK HAMLET ***\nHAMLET\n\nACT I.\n\nScene I. A platform.\n\n"
        "[Enter Bernardo.]\n\nBer.\nWho's there?\n\nScene II. A room.\n\nKing.\nThough yet.\n\nHe.\n"
        "End of the Project Gutenberg EBook\nlicence"
    )
    scenes = readers.split_chapters(readers.strip_gutenberg(text), r"(?:ACT|Scene)\s+[IVX]+\b")
    assert [readers.paragraphs(readers.strip_play(s)) for s in scenes] == [["Who's there?"], ["Though yet.", "He."]]


def test_wiki_dump(tmp_path):
    xml = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">
      <page><title>Anarchism</title><ns>0</ns><id>12</id><revision><text>'''Anarchism''' is a
      [[political philosophy|philosophy]].{{cite web|x=y}} It has many currents.&lt;ref&gt;A book&lt;/ref&gt;

== History ==
* a list item
The term comes from Greek words for no ruler.</text></revision></page>
      <page><title>Redirect</title><ns>0</ns><redirect title="X"/><revision><text>#REDIRECT [[X]]</text></revision></page>
      <page><title>Talk:A</title><ns>1</ns><revision><text>Talk page text goes here.</text></revision></page>
    </mediawiki>"""
    path = tmp_path / "dump.xml.bz2"
    path.write_bytes(bz2.compress(xml.encode()))
    pages = list(readers.read_wiki_dump(path))
    assert [title for title, _ in pages] == ["Anarchism"]
    assert readers.clean_wiki(pages[0][1]) == [
        "Anarchism is a philosophy. It has many currents.",
        "The term comes from Greek words for no ruler.",
    ]
