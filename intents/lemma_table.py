"""The Danish lemma table as the parser needs it: compact, precomputed once, memory-mapped by every worker.

spaCy's lookup lemmatizer keeps `spacy-lookups-data`'s Danish table (553,116 forms) as a Python dict, about
177 MiB per worker. The parser only ever asks two things of it: is this lower-case word a Danish word form
(`is_known_word`), and what is its lemma (`lemma`). This module compiles the same table once into a small
file and answers both from it:

- only the forms the parser can ask about are kept: a question's word tokens are casefolded letters and
  digits (intents/text.py tokenize), and the lexicon looks up those tokens, their pieces and their lemmas.
  Forms with capitals, hyphens, spaces or full stops ("A-aktie", "3d-billede") can never be asked and are
  dropped (about 20,000), except where such a form is the lemma of a kept form ("jer" -> "I");
- a form is stored as a 48-bit salted BLAKE2b hash (spaCy's own table is keyed by a 64-bit hash): 16 bits
  pick one of 65,536 buckets (an offset array), 32 bits are stored in one sorted uint32 array and found with
  `bisect` (C). A word that is no form matches by chance with probability about 2e-9 (533,000 / 2^48);
  two forms never share a hash (the build picks another salt if they would);
- its lemma is stored as the edit that turns the form into it: "strip n letters, append s" (udgifterne ->
  udgift = strip 3; gik -> gå = strip 2, append "å"). The forms need 420 distinct edits; a form carries one
  byte, the number of its edit (by frequency; the 400-odd forms with one of the rarest edits are listed apart).
  The identity (a lemma that is the form itself) is edit 0.

That is a 2.9 MB file instead of a 177 MiB dict, memory-mapped (shared by the workers), with identical answers
for every form the parser can ask about (tests/intents/test_lexicon_table.py compares it form by form with
the source table).

The file is built from the installed `spacy-lookups-data` by `python -m intents.lemma_table` (run by
`make install`), or on first use: in a child process, so a server worker never holds the 553k-entry dict even
for a moment. It lives in var/lexicon/ (or NOEGLETAL_LEXICON_PATH) and is rebuilt when the source file or this
format changes.
"""

from __future__ import annotations

import argparse
import array
import bisect
import contextlib
import gzip
import hashlib
import json
import mmap
import os
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

FORMAT = 2  # bump when the selection of forms or the layout changes: old files are rebuilt
MAGIC = b"NTLEMMA\0"
# magic, format, bucket bits, overflow rows, salt, source sha256, forms, rules bytes, reserved: 80 bytes
_HEADER = struct.Struct("<8sIII16s32sIII")
BUCKET_BITS = 16  # hashes are 48 bits: 16 pick one of 65,536 buckets, 32 are stored (a uint32 per form)
BUCKETS = 1 << BUCKET_BITS
OVERFLOW = 255  # a form's rule is one byte; the rare forms with a rarer rule are listed apart
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "var" / "lexicon" / "da_lemma_lookup.bin"
SOURCE_NAME = "da_lemma_lookup.json"


class LemmaTableError(RuntimeError):
    """The table cannot be built (spacy-lookups-data missing) or read (a damaged file)."""


def table_path() -> Path:
    """Where the compiled table lives: NOEGLETAL_LEXICON_PATH, else var/lexicon/ in the repository."""
    override = os.environ.get("NOEGLETAL_LEXICON_PATH")
    return Path(override) if override else DEFAULT_PATH


def source_path() -> Path | None:
    """The installed spacy-lookups-data's Danish lemma lookup file (gzipped JSON), or None."""
    try:
        import spacy_lookups_data  # a data package: its __init__ only names files
    except ImportError:
        return None
    base = Path(str(spacy_lookups_data.get_file(SOURCE_NAME)))
    for candidate in (base, base.with_name(base.name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def read_source(path: Path) -> dict[str, str]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise LemmaTableError(f"{path} er ikke en opslagstabel")
    return {str(k): str(v) for k, v in data.items()}


def askable(word: str) -> bool:
    """Can the parser ever look this form up? Tokens are casefolded runs of letters (and digits)."""
    return word.isalnum() and word == word.casefold()


def select(table: Mapping[str, str]) -> dict[str, str]:
    """The forms the lexicon can ask about: askable forms, and what the lexicon asks about their lemmas
    (the lemma itself, and its pieces when it splits a compound)."""
    kept = {k: v for k, v in table.items() if askable(k)}
    extra: dict[str, str] = {}
    for lemma in set(kept.values()):
        if lemma in table and lemma not in kept:
            extra[lemma] = table[lemma]
        if not askable(lemma):  # the lexicon tries pieces of a lemma as compound parts
            for i in range(len(lemma)):
                for j in range(i + 1, len(lemma) + 1):
                    piece = lemma[i:j]
                    if piece in table and piece not in kept:
                        extra[piece] = table[piece]
    kept.update(extra)
    return kept


def rule_of(word: str, lemma: str) -> tuple[int, str]:
    """(letters to strip from the end of `word`, suffix to append) that turns the word into its lemma."""
    common = 0
    for a, b in zip(word, lemma, strict=False):
        if a != b:
            break
        common += 1
    return len(word) - common, lemma[common:]


def _hasher(salt: bytes) -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=8, salt=salt)


def _hash(base: hashlib.blake2b, word: str) -> int:
    h = base.copy()
    h.update(word.encode("utf-8", "surrogatepass"))
    return int.from_bytes(h.digest(), "little")


def _split_hash(h: int) -> tuple[int, int]:
    """(bucket, remainder): the top BUCKET_BITS bits pick the bucket, the next 32 bits are stored."""
    return h >> (64 - BUCKET_BITS), (h >> (32 - BUCKET_BITS)) & 0xFFFFFFFF


def compile_table(table: Mapping[str, str], source_sha256: bytes = b"\0" * 32) -> bytes:
    """The file's bytes (little-endian): header, rules (JSON), bucket offsets (uint32), hash remainders
    (uint32, sorted within each bucket), rule numbers (uint8; 255 = look in the overflow), overflow form
    numbers (uint32) and their rules (uint16)."""
    forms = select(table)
    counts = Counter(rule_of(word, lemma) for word, lemma in forms.items())
    counts[(0, "")] += 0  # rule 0 is always the identity, frequent or not
    ordered = [(0, "")] + [r for r, _ in counts.most_common() if r != (0, "")]
    if len(ordered) > 0xFFFF:
        raise LemmaTableError(f"for mange omskrivningsregler ({len(ordered)})")
    number = {rule: i for i, rule in enumerate(ordered)}
    for attempt in range(64):  # a new salt in the rare case of two forms with one 48-bit hash
        salt = hashlib.sha256(b"noegletal-lemma-%d" % attempt).digest()[:16]
        base = _hasher(salt)
        rows = sorted((*_split_hash(_hash(base, w)), number[rule_of(w, lem)]) for w, lem in forms.items())
        if all(rows[i][:2] != rows[i + 1][:2] for i in range(len(rows) - 1)):
            break
    else:  # pragma: no cover - 64 salts in a row with a collision
        raise LemmaTableError("hash-kollision i lemmatabellen")
    offsets = array.array("I", [0] * (BUCKETS + 1))
    for bucket, _, _ in rows:
        offsets[bucket + 1] += 1
    for b in range(BUCKETS):
        offsets[b + 1] += offsets[b]
    remainders = array.array("I", (r for _, r, _ in rows))
    small = bytes(min(rule, OVERFLOW) for _, _, rule in rows)
    small += b"\0" * (-len(small) % 4)
    over_index = array.array("I", (i for i, (_, _, rule) in enumerate(rows) if rule >= OVERFLOW))
    over_rule = array.array("H", (rule for _, _, rule in rows if rule >= OVERFLOW))
    if sys.byteorder != "little":  # pragma: no cover
        for arr in (offsets, remainders, over_index, over_rule):
            arr.byteswap()
    rule_bytes = json.dumps([list(r) for r in ordered], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    rule_bytes += b" " * (-len(rule_bytes) % 8)  # the arrays start aligned (the header is 80 bytes)
    header = _HEADER.pack(MAGIC, FORMAT, BUCKET_BITS, len(over_index), salt, source_sha256, len(rows),
                          len(rule_bytes), 0)
    return b"".join((header, rule_bytes, offsets.tobytes(), remainders.tobytes(), small,
                     over_index.tobytes(), over_rule.tobytes()))


class LemmaTable:
    """Membership and lemma of lower-case Danish word forms, from a compiled table.

    `data` is the file's bytes or, as `load` gives it, a read-only memory map of the file: then the arrays
    are views into the page cache, shared by every worker on the machine."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        view = memoryview(data)
        if len(view) < _HEADER.size:
            raise LemmaTableError("lemmatabellen er for kort")
        magic, fmt, bits, n_over, salt, sha, n, rules_len, _ = _HEADER.unpack_from(view)
        if magic != MAGIC or fmt != FORMAT or bits != BUCKET_BITS:
            raise LemmaTableError("lemmatabellen har et ukendt format")
        small_len = n + (-n % 4)
        sizes = (rules_len, (BUCKETS + 1) * 4, n * 4, small_len, n_over * 4, n_over * 2)
        if len(view) != _HEADER.size + sum(sizes):
            raise LemmaTableError("lemmatabellen er afkortet eller beskadiget")
        parts = []
        start = _HEADER.size
        for size in sizes:
            parts.append(view[start:start + size])
            start += size
        rules, offsets, remainders, small, over_index, over_rule = parts
        self.source_sha256: bytes = sha
        self._rules: tuple[tuple[int, str], ...] = tuple(
            (int(strip), str(suffix)) for strip, suffix in json.loads(bytes(rules)))
        self._small: Sequence[int] = small[:n]
        self._offsets: Sequence[int]
        self._remainders: Sequence[int]
        self._over_index: Sequence[int]
        self._over_rule: Sequence[int]
        if sys.byteorder == "little":
            self._offsets, self._remainders = offsets.cast("I"), remainders.cast("I")
            self._over_index, self._over_rule = over_index.cast("I"), over_rule.cast("H")
        else:  # pragma: no cover - the file is little-endian: copy and swap
            arrays = [array.array(code, bytes(part)) for code, part in
                      (("I", offsets), ("I", remainders), ("I", over_index), ("H", over_rule))]
            for arr in arrays:
                arr.byteswap()
            self._offsets, self._remainders, self._over_index, self._over_rule = arrays
        self._base = _hasher(salt)
        self._n = n

    def __len__(self) -> int:
        return self._n

    def _index(self, word: str) -> int:
        bucket, remainder = _split_hash(_hash(self._base, word))
        hi = self._offsets[bucket + 1]
        i = bisect.bisect_left(self._remainders, remainder, self._offsets[bucket], hi)
        return i if i < hi and self._remainders[i] == remainder else -1

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._index(word) >= 0

    def get(self, word: str) -> str | None:
        """The lemma of a known form, else None (as spaCy's `Table.get`)."""
        i = self._index(word)
        if i < 0:
            return None
        rule = self._small[i]
        if rule == OVERFLOW:
            rule = self._over_rule[bisect.bisect_left(self._over_index, i)]
        strip, suffix = self._rules[rule]
        return (word[: len(word) - strip] if strip else word) + suffix

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays (mapped from the file, not copied, when loaded by `load`)."""
        return (BUCKETS + 1) * 4 + self._n * 5 + len(self._over_index) * 6


def _sha256(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _read_header(path: Path) -> tuple[int, bytes] | None:
    """(format, source sha256) of an existing file, or None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEADER.size)
    except OSError:
        return None
    if len(head) < _HEADER.size:
        return None
    magic, fmt, _, _, _, sha, _, _, _ = _HEADER.unpack(head)
    return (fmt, sha) if magic == MAGIC else None


def is_current(path: Path, source: Path | None) -> bool:
    """The file exists in this format and was built from the installed source (when that is installed)."""
    header = _read_header(path)
    if header is None or header[0] != FORMAT:
        return False
    return source is None or header[1] == _sha256(source)


def build(path: Path | None = None, source: Path | None = None) -> Path:
    """Compile the installed spacy-lookups-data table into `path` (atomically: temp file, then rename)."""
    path = path or table_path()
    source = source or source_path()
    if source is None:
        raise LemmaTableError("spacy-lookups-data er ikke installeret; kan ikke bygge lemmatabellen")
    data = compile_table(read_source(source), _sha256(source))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; every worker (any user) reads it
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One builder at a time (several workers may start together); others wait, then find the file."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure(path: Path | None = None) -> Path:
    """The compiled table's path, building it first (in a child process) when it is missing or stale; in a
    per-user temp directory when its own directory cannot be written (an installation without var/)."""
    path = path or table_path()
    source = source_path()
    if is_current(path, source):
        return path
    try:
        return _build_locked(path, source)
    except PermissionError:
        fallback = Path(tempfile.gettempdir()) / f"noegletal-lexicon-{os.getuid()}" / path.name
        if fallback == path:
            raise
        return ensure(fallback)


def _build_locked(path: Path, source: Path | None) -> Path:
    with _locked(path):
        if is_current(path, source):  # another process built it while we waited
            return path
        if source is None:
            raise LemmaTableError(f"lemmatabellen {path} mangler, og spacy-lookups-data er ikke installeret")
        # A child process: the JSON source is a 553k-entry dict that would otherwise stay in this
        # process's heap (Python rarely gives that memory back to the system).
        result = subprocess.run([sys.executable, "-m", "intents.lemma_table", "--out", str(path)],
                                capture_output=True, text=True, cwd=str(Path(__file__).resolve().parent.parent))
        if result.returncode != 0 or not is_current(path, source):
            raise LemmaTableError(f"kunne ikke bygge lemmatabellen {path}: {result.stderr.strip()[-500:]}")
    return path


def load(path: Path | None = None) -> LemmaTable:
    """The compiled table, built first if needed, memory-mapped read-only (a rebuild replaces the file by a
    rename, so the mapped old file stays intact)."""
    with ensure(path).open("rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return LemmaTable(mapped)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intents.lemma_table",
                                     description="Byg den kompakte danske lemmatabel fra spacy-lookups-data.")
    parser.add_argument("--out", type=Path, default=None, help=f"filen (standard {table_path()})")
    parser.add_argument("--if-needed", action="store_true", help="kun hvis filen mangler eller er forældet")
    args = parser.parse_args(argv)
    out = args.out or table_path()
    if args.if_needed and is_current(out, source_path()):
        print(f"Lemmatabellen er aktuel: {out}")
        return 0
    started = time.perf_counter()
    try:
        build(out)
    except LemmaTableError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    table = LemmaTable(out.read_bytes())
    print(f"Lemmatabel bygget: {out} ({len(table):,} ordformer, {out.stat().st_size / 1e6:.1f} MB) på "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
