"""Peer for HistoScale's whole-slide inference benchmark: the usual PyTorch way to predict a slide's patches.

python3-openslide reads the same grid patches in torch DataLoader worker processes (one slide handle per worker),
python3-torch runs the same network (built by torch_train_bench.py, random weights: speed only) in inference mode on
batches of the same size with the same input scaling. Prints one JSON line: patches, seconds, patches_per_s and
io_wait_share (time the model waited for the loader, over the whole run).
"""
import argparse
import json
import time

import numpy as np
import openslide
import torch
from torch.utils.data import DataLoader, Dataset

from torch_train_bench import NETWORKS

MEAN, STD = 0.5, 0.25


class GridPatches(Dataset):
    def __init__(self, slide, coords, level, read_size, size):
        self.path, self.coords, self.level, self.read, self.size = slide, coords, level, read_size, size
        self.slide = None

    def __len__(self):
        return len(self.coords)

    def __getitem__(self, i):
        if self.slide is None:
            self.slide = openslide.OpenSlide(self.path)
        x, y = self.coords[i]
        region = self.slide.read_region((x, y), self.level, (self.read, self.read)).convert("RGB")
        if self.read != self.size:
            region = region.resize((self.size, self.size))
        return torch.from_numpy(np.asarray(region).copy())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--slide", required=True)
    p.add_argument("--coords", required=True, help="file of 'x y' level-0 coordinates, one patch per line")
    p.add_argument("--level", type=int, required=True)
    p.add_argument("--read-size", type=int, required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--model", required=True, choices=sorted(NETWORKS))
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--workers", type=int, required=True)
    a = p.parse_args()

    torch.set_num_interop_threads(1)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    coords = [tuple(int(v) for v in line.split()) for line in open(a.coords) if line.strip()]
    model = NETWORKS[a.model](2).eval()
    loader = DataLoader(GridPatches(a.slide, coords, a.level, a.read_size, a.size), batch_size=a.batch,
                        num_workers=a.workers, persistent_workers=False)
    start = time.perf_counter()
    wait = 0.0
    done = 0
    with torch.inference_mode():
        batches = iter(loader)
        while True:
            w0 = time.perf_counter()
            try:
                hwc = next(batches)
            except StopIteration:
                break
            wait += time.perf_counter() - w0
            x = (hwc.permute(0, 3, 1, 2).float() / 255 - MEAN) / STD
            probabilities = torch.softmax(model(x), 1)[:, 1]
            probabilities.numpy()
            done += hwc.shape[0]
    seconds = time.perf_counter() - start
    print(json.dumps({"patches": done, "seconds": seconds, "patches_per_s": done / seconds,
                      "io_wait_share": wait / seconds, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "workers": a.workers}), flush=True)


if __name__ == "__main__":
    main()
