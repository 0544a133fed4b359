"""Peer for HistoScale's training benchmark: the same network, batch, threads and optimiser in plain PyTorch.

Builds the network with torch.nn only (no torchvision), then reads commands from stdin, one per line:
  run N   train N steps on one fixed random batch and print {"steps", "seconds", "images_per_s"} as JSON
  quit    exit
The first line printed describes the set-up. Every output line is one JSON object.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(cin, cout, kernel, stride=1):
    return nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, width, stride):
        super().__init__()
        self.conv1, self.bn1 = conv(cin, width, 3, stride), nn.BatchNorm2d(width)
        self.conv2, self.bn2 = conv(width, width, 3), nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = projection(cin, width, stride)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return self.relu(out)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, width, stride):
        super().__init__()
        self.conv1, self.bn1 = conv(cin, width, 1), nn.BatchNorm2d(width)
        self.conv2, self.bn2 = conv(width, width, 3, stride), nn.BatchNorm2d(width)
        self.conv3, self.bn3 = conv(width, width * 4, 1), nn.BatchNorm2d(width * 4)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = projection(cin, width * 4, stride)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += self.shortcut(x)
        return self.relu(out)


def projection(cin, cout, stride):
    if stride == 1 and cin == cout:
        return nn.Identity()
    return nn.Sequential(conv(cin, cout, 1, stride), nn.BatchNorm2d(cout))


def resnet(block, stages, classes):
    layers = [conv(3, 64, 7, 2), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for i, (count, width) in enumerate(zip(stages, (64, 128, 256, 512))):
        for j in range(count):
            layers.append(block(cin, width, 2 if i > 0 and j == 0 else 1))
            cin = width * block.expansion
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def small(classes):
    layers, cin = [], 3
    for cout in (32, 64, 128, 256):
        layers += [conv(cin, cout, 3), nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


NETWORKS = {
    "small": small,
    "resnet18": lambda c: resnet(Basic, (2, 2, 2, 2), c),
    "resnet34": lambda c: resnet(Basic, (3, 4, 6, 3), c),
    "resnet50": lambda c: resnet(Bottleneck, (3, 4, 6, 3), c),
}


def emit(obj):
    print(json.dumps(obj), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, choices=sorted(NETWORKS))
    p.add_argument("--classes", type=int, default=2)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--device", default="cpu")
    p.add_argument("--optimizer", default="adam", choices=("adam", "sgd"))
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--channels-last", action="store_true", help="lay out model and batch channels-last")
    a = p.parse_args()

    torch.set_num_interop_threads(1)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = torch.device("cuda:" + a.device.split(":")[1] if a.device.startswith("gpu:")
                          else "cuda" if a.device == "gpu" else "cpu")
    if device.type == "cuda" and not torch.cuda.is_available():
        emit({"error": "this PyTorch sees no GPU"})
        return

    model = NETWORKS[a.model](a.classes).to(device).train()
    x = torch.randn(a.batch, 3, a.size, a.size, device=device)
    y = torch.randint(0, a.classes, (a.batch,), device=device)
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    if a.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9)

    def train(steps):
        for _ in range(steps):
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss.item()

    emit({"torch": torch.__version__, "threads": torch.get_num_threads(),
          "interop_threads": torch.get_num_interop_threads(), "device": str(device),
          "memory_format": "channels-last" if a.channels_last else "nchw",
          "parameters": sum(p.numel() for p in model.parameters())})
    for line in sys.stdin:
        command = line.split()
        if command[:1] == ["run"]:
            steps = int(command[1])
            start = time.perf_counter()
            train(steps)
            if device.type == "cuda":
                torch.cuda.synchronize()
            seconds = time.perf_counter() - start
            emit({"steps": steps, "seconds": seconds, "images_per_s": steps * a.batch / seconds})
        elif command[:1] == ["quit"]:
            return


if __name__ == "__main__":
    main()
