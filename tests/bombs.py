#!/usr/bin/env python3
"""Image bombs: tiny files that declare huge pictures or costly drawings.

  python3 tests/bombs.py DIR     writes each bomb into DIR (and prints the names)

As a module: BOMBS maps a file name to a function returning its bytes;
write_all(DIR) writes them. Each is what an attacker's avatar host could
serve; a digest run meeting them must refuse them from their headers (or
bound their drawing) and go on:

  gif-65535.gif        35 bytes: a GIF whose screen and frame are 65535 x 65535
  png-30000.png        a 1-bit grey PNG of 30000 x 30000 (zlib of zero rows, ~110 KB)
  jpeg-60000.jpg       a baseline JPEG whose SOF says 60000 x 60000
  webp-16383.webp      a WebP VP8X canvas of 16383 x 16383 (with a VP8L of that size)
  bmp-50000.bmp        a BMP header of 50000 x 50000, 24 bits
  svg-turbulence.svg   4000 x 4000 filled with feTurbulence + feGaussianBlur
  svg-use-wide.svg     billion laughs with <use>: 10 levels of 10 (100 <use>)
  svg-use-deep.svg     the same in 30 levels of 2 (60 <use>; 2^30 drawn)
  svg-use-chain.svg    20 levels of 2 (40 <use>, under the count; 2^20 drawn)
  svg-100000.svg       an SVG declaring width="100000" height="100000"
  svg-css-filter.svg   a CSS filter (style="filter: blur(40px)"), no <filter> element
  svg-image-png.svg    an <image> whose data: PNG is 30000 x 30000
  svg-entities.svg     billion laughs with XML entities
  svg-dashes.svg       passes every header check, costly to draw: 1600 circles
                       stroked with 0.05-unit dashes (the time limit must stop it)
"""
import os
import struct
import sys
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def png(width, height, bit_depth=1, colour=0, rows=None):
    """A PNG of width x height; rows of zeros unless `rows` (bytes per row) is given."""
    stride = (width * bit_depth * (3 if colour == 2 else 1) + 7) // 8
    z = zlib.compressobj(9)
    out = []
    row = b"\0" * (stride + 1)
    block = row * max(1, (1 << 20) // len(row))
    left = height
    while left > 0:
        n = min(left, len(block) // len(row))
        out.append(z.compress(block[:n * len(row)]))
        left -= n
    out.append(z.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(out)) + chunk(b"IEND", b"")


def gif_65535():
    g = b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0, 0, 0)        # screen, no colour table
    g += b"\x2c" + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0)         # one frame as large
    g += b"\x02" + b"\x08" + b"\x44\x01\x00\x00\x00\x00\x00\x00" + b"\x00" + b"\x3b"
    assert len(g) == 35, len(g)
    return g


def png_30000():
    return png(30000, 30000)


# Annex K luminance tables (JPEG standard): enough for a decoder to start.
DC_BITS = bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
DC_VALS = bytes(range(12))
AC_BITS = bytes([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d])
AC_VALS = bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a"
    "3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a9293949596"
    "9798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1"
    "f2f3f4f5f6f7f8f9fa")


def seg(marker, data):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) + data


def jpeg_60000():
    j = b"\xff\xd8"
    j += seg(0xe0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    j += seg(0xdb, b"\0" + bytes([1] * 64))
    j += seg(0xc0, struct.pack(">BHHB", 8, 60000, 60000, 1) + b"\x01\x11\x00")
    j += seg(0xc4, b"\x00" + DC_BITS + DC_VALS)
    j += seg(0xc4, b"\x10" + AC_BITS + AC_VALS)
    j += seg(0xda, b"\x01\x01\x00\x00\x3f\x00")
    j += b"\x28\xa2\x8a\x28\xa2\x8a" * 64            # "001010" per block: DC 0, EOB
    return j + b"\xff\xd9"


def webp_16383():
    side = 16383
    vp8x = struct.pack("<B3x", 0) + struct.pack("<I", side - 1)[:3] + struct.pack("<I", side - 1)[:3]
    bits = (side - 1) | (side - 1) << 14                  # VP8L: 14 bits each, no alpha, version 0
    vp8l = b"\x2f" + struct.pack("<I", bits) + b"\0" * 32
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x + b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l
    return b"RIFF" + struct.pack("<I", len(body)) + body


def bmp_50000():
    dib = struct.pack("<IiiHHIIiiII", 40, 50000, 50000, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(dib) + 64, 0, 0, 14 + len(dib)) + dib + b"\0" * 64


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" %s>%s</svg>'


def svg_turbulence():
    return (SVG % ('width="4000" height="4000"',
                   '<filter id="f" x="0" y="0" width="1" height="1">'
                   '<feTurbulence baseFrequency="0.9" numOctaves="10"/>'
                   '<feGaussianBlur stdDeviation="200"/></filter>'
                   '<rect width="4000" height="4000" filter="url(#f)"/>')).encode()


def use_laughs(levels, per):
    parts = ['<defs><circle id="l0" r="1" fill="red"/>']
    for lv in range(1, levels + 1):
        parts.append('<g id="l%d">%s</g>' % (lv, "".join('<use xlink:href="#l%d"/>' % (lv - 1)
                                                         for _ in range(per))))
    parts.append('</defs><use xlink:href="#l%d"/>' % levels)
    return (SVG % ('width="100" height="100"', "".join(parts))).encode()


def svg_100000():
    return (SVG % ('width="100000" height="100000"', '<rect width="100000" height="100000" fill="blue"/>')).encode()


def svg_css_filter():
    return (SVG % ('width="2000" height="2000"',
                   '<rect width="2000" height="2000" fill="red" style="filter: blur(400px)"/>')).encode()


def svg_image_png():
    import base64
    return (SVG % ('width="100" height="100"',
                   '<image width="100" height="100" href="data:image/png;base64,%s"/>'
                   % base64.b64encode(png_30000()).decode())).encode()


def svg_entities():
    ents = ['<!ENTITY a0 "lol">'] + ['<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10) for i in range(1, 10)]
    return ('<?xml version="1.0"?><!DOCTYPE svg [%s]>' % "".join(ents) +
            SVG % ('width="100" height="100"', '<text y="50">&a9;</text>')).encode()


def svg_dashes():
    circles = "".join('<circle cx="2000" cy="2000" r="%d" fill="none" stroke="#%06x" stroke-width="400" '
                      'stroke-dasharray="0.05 0.05"/>' % (100 + 45 * i, i * 400009 % 0xffffff) for i in range(40))
    uses = "".join('<use xlink:href="#g" transform="rotate(%d 2000 2000)"/>' % i for i in range(40))
    return (SVG % ('width="4000" height="4000"', '<defs><g id="g">%s</g></defs>%s' % (circles, uses))).encode()


BOMBS = {
    "gif-65535.gif": gif_65535,
    "png-30000.png": png_30000,
    "jpeg-60000.jpg": jpeg_60000,
    "webp-16383.webp": webp_16383,
    "bmp-50000.bmp": bmp_50000,
    "svg-turbulence.svg": svg_turbulence,
    "svg-use-wide.svg": lambda: use_laughs(10, 10),
    "svg-use-deep.svg": lambda: use_laughs(30, 2),
    "svg-use-chain.svg": lambda: use_laughs(20, 2),
    "svg-100000.svg": svg_100000,
    "svg-css-filter.svg": svg_css_filter,
    "svg-image-png.svg": svg_image_png,
    "svg-entities.svg": svg_entities,
    "svg-dashes.svg": svg_dashes,
}


def write_all(directory):
    os.makedirs(directory, exist_ok=True)
    for name, make in BOMBS.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(make())
    return sorted(BOMBS)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tests/bombs.py DIR")
    for name in write_all(sys.argv[1]):
        print(name, os.path.getsize(os.path.join(sys.argv[1], name)))
