"""Peer for `histoscale bench scaling`: PyTorch DistributedDataParallel (gloo backend) on this machine.

The same network (built by the training benchmark's peer, torch_train_bench.py, beside this file), SGD with momentum,
one PyTorch thread per process, channels-last as HistoScale uses on the CPU. Each process trains on its own fixed
random batch; the processes' gradients are averaged by DDP. Prints {"world", "batch", "step"} with the mean seconds
per step of the slowest process.

usage: ddp_scaling_peer.py --model M --size S --batch B --world N --steps K --warmup W --port P
"""
import argparse
import json
import os
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

from torch_train_bench import NETWORKS


def worker(rank, a, results):
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    model = NETWORKS[a.model](2).train().to(memory_format=torch.channels_last)
    if a.world > 1:
        os.environ["MASTER_ADDR"] = "127.0.0.1"
        os.environ["MASTER_PORT"] = str(a.port)
        dist.init_process_group("gloo", rank=rank, world_size=a.world)
        model = torch.nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    g = torch.Generator().manual_seed(rank)
    x = torch.randn(a.batch, 3, a.size, a.size, generator=g).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 2, (a.batch,), generator=g)

    def step():
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()

    for _ in range(a.warmup):
        step()
    if a.world > 1:
        dist.barrier()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    seconds = torch.tensor([(time.perf_counter() - start) / a.steps], dtype=torch.float64)
    if a.world > 1:
        dist.all_reduce(seconds, op=dist.ReduceOp.MAX)
        dist.destroy_process_group()
    if rank == 0:
        results.put(seconds.item())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, choices=sorted(NETWORKS))
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--world", type=int, required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--port", type=int, default=29500)
    a = p.parse_args()
    context = mp.get_context("spawn")
    results = context.SimpleQueue()
    if a.world == 1:
        worker(0, a, results)
    else:
        mp.start_processes(worker, args=(a, results), nprocs=a.world, start_method="spawn")
    print(json.dumps({"world": a.world, "batch": a.batch, "step": results.get(), "torch": torch.__version__}),
          flush=True)


if __name__ == "__main__":
    main()
