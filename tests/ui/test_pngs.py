"""The screenshot reader: every PNG filter, and what it refuses."""
from __future__ import annotations

import struct
import zlib

import pytest

from tests.ui import pngs


def png(rows: list[bytes], width: int, colour_type: int = 2, depth: int = 8) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, len(rows), depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + \
        chunk(b"IEND", b"")


def test_every_filter_decodes_to_the_same_pixels():
    # two RGB pixels per row, written with the filters None, Sub, Up, Average and Paeth
    rows = [b"\x00" + bytes([255, 0, 0, 0, 255, 0]),
            b"\x01" + bytes([0, 0, 255, 255, 255, 0]),                  # Sub: white = blue + (255, 255, 1)
            b"\x02" + bytes([0, 0, 0, 0, 0, 0]),                        # Up: the row above again
            b"\x03" + bytes([0, 0, 128, 128, 128, 64]),                 # Average: (255, 255, 63) second
            b"\x04" + bytes([0, 0, 0, 0, 0, 0])]                        # Paeth: predicts the row above here
    assert pngs.colours(png(rows, 2)) == {(255, 0, 0): 1, (0, 255, 0): 1, (0, 0, 255): 4, (255, 255, 255): 2,
                                          (255, 255, 63): 2}


def test_rgba_and_grey():
    assert pngs.colours(png([b"\x00" + bytes([1, 2, 3, 255, 1, 2, 3, 0])], 2, colour_type=6)) == {(1, 2, 3): 2}
    assert pngs.colours(png([b"\x00\x07\x09"], 2, colour_type=0)) == {(7, 7, 7): 1, (9, 9, 9): 1}


def test_what_it_cannot_read():
    with pytest.raises(ValueError):
        pngs.colours(b"GIF89a")
    with pytest.raises(ValueError):
        pngs.colours(png([b"\x00\x00\x00"], 1, depth=16))
