"""Peer for `histoscale bench tile`: Debian's python3-openslide reading the same regions as HistoScale.

Reads every (level, x, y, w, h) region of a JSON list with OpenSlide.read_region, converts to RGB bytes (what a
patch pipeline stores), repeats the list `passes` times and prints one JSON object with patches per second.
"""
import json
import sys
import time

import numpy as np
import openslide


def main():
    slide_path, regions_path, passes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(regions_path) as f:
        regions = json.load(f)
    slide = openslide.OpenSlide(slide_path)
    checksum = 0
    start = time.perf_counter()
    for _ in range(passes):
        for level, x, y, w, h in regions:
            rgb = np.asarray(slide.read_region((x, y), level, (w, h)).convert("RGB"))
            checksum += int(rgb[h // 2, w // 2, 0])
    elapsed = time.perf_counter() - start
    n = passes * len(regions)
    print(json.dumps({"patches": n, "seconds": elapsed, "patches_per_s": n / elapsed, "checksum": checksum,
                      "openslide_python": openslide.__version__, "openslide_library": openslide.__library_version__}))


if __name__ == "__main__":
    main()
