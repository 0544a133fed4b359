"""Peer for `histoscale bench store`: patches kept as one PNG file each, decoded with Pillow into numpy arrays,
as image-folder pipelines (torchvision ImageFolder, CLAM/TIAToolbox patch exports) read them.

Reads `count` patches in a seeded random order and prints one JSON object with patches per second.
"""
import json
import os
import random
import sys
import time

import numpy as np
from PIL import Image


def main():
    folder, count = sys.argv[1], int(sys.argv[2])
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".png"))
    order = [random.Random(7).randrange(len(files)) for _ in range(count)]
    checksum = 0
    start = time.perf_counter()
    for i in order:
        with Image.open(files[i]) as im:
            rgb = np.asarray(im.convert("RGB"))
        checksum += int(rgb[0, 0, 0])
    elapsed = time.perf_counter() - start
    print(json.dumps({"patches": count, "seconds": elapsed, "patches_per_s": count / elapsed, "checksum": checksum}))


if __name__ == "__main__":
    main()
