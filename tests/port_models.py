"""Three model pairs written in both frameworks, for the port tools' tests (tests/test_port_*.py):
each is built as a reader would write it, with the frameworks' own layers and containers.

- cnn: Conv2d -> BatchNorm2d -> ReLU -> Linear, the conv bias frozen, two parameter groups
  (backbone lr 1e-3, head lr 1e-2);
- seq: a frozen Embedding, a 2-layer bidirectional LSTM, LayerNorm, a Linear head (MindSpore's
  LayerNorm built with torch's eps), one group;
- mix: Conv1d -> GroupNorm -> PReLU, MultiheadAttention, Linear, torch's Sequential without the
  Flatten that MindSpore's SequentialCell has (an index shift), the torch model wrapped in
  DataParallel (`module.` prefix), two groups;
- text: a text classifier, Embedding (frozen, padding_idx) -> 2-layer bidirectional LSTM -> mean over
  time -> LayerNorm -> Linear, BatchNorm1d, PReLU, Dropout, Linear; two groups with their own lr,
  etas and step_sizes, which only experimental.optim.Rprop can take (tests/test_port_text.py).
Each builder returns (torch model, torch groups, MindSpore net, MindSpore groups by name, inputs).
"""
import numpy as np


def _torch_cnn(torch):
    class CNN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.features = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8),
                                                torch.nn.ReLU())
            self.head = torch.nn.Linear(8 * 6 * 6, 4)

        def forward(self, x):
            return self.head(self.features(x).flatten(1))
    model = CNN()
    model.features[0].bias.requires_grad_(False)
    groups = [{"params": list(model.features.parameters()), "lr": 1e-3},
              {"params": list(model.head.parameters()), "lr": 1e-2}]
    return model, groups


def _mindspore_cnn(ms):
    nn = ms.nn

    class CNN(nn.Cell):
        def __init__(self):
            super().__init__()
            self.features = nn.SequentialCell([nn.Conv2d(3, 8, 3, pad_mode="pad", padding=1, has_bias=True),
                                               nn.BatchNorm2d(8), nn.ReLU(), nn.Flatten()])
            self.head = nn.Dense(8 * 6 * 6, 4)

        def construct(self, x):
            return self.head(self.features(x))
    net = CNN()
    net.features[0].bias.requires_grad = False
    groups = [("features.", 1e-3), ("head.", 1e-2)]
    return net, groups


def _torch_seq(torch):
    class Seq(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(20, 6)
            self.lstm = torch.nn.LSTM(6, 5, num_layers=2, bidirectional=True, batch_first=True)
            self.norm = torch.nn.LayerNorm(10)
            self.head = torch.nn.Linear(10, 3)

        def forward(self, x):
            out, _ = self.lstm(self.embedding(x))
            return self.head(self.norm(out[:, -1]))
    model = Seq()
    model.embedding.weight.requires_grad_(False)
    return model, [{"params": [p for p in model.parameters() if p.requires_grad], "lr": 5e-3}]


def _mindspore_seq(ms):
    nn = ms.nn

    class Seq(nn.Cell):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(20, 6)
            self.lstm = nn.LSTM(6, 5, num_layers=2, bidirectional=True, batch_first=True)
            self.norm = nn.LayerNorm((10,), epsilon=1e-5)
            self.head = nn.Dense(10, 3)

        def construct(self, x):
            out, _ = self.lstm(self.embedding(x))
            return self.head(self.norm(out[:, -1]))
    net = Seq()
    net.embedding.embedding_table.requires_grad = False
    return net, [("", 5e-3)]


def _torch_mix(torch):
    class Mix(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Sequential(torch.nn.Conv1d(4, 8, 3, padding=1), torch.nn.GroupNorm(2, 8),
                                            torch.nn.PReLU(8))
            self.attention = torch.nn.MultiheadAttention(8, 2, batch_first=True)
            self.head = torch.nn.Linear(8, 2)

        def forward(self, x):
            h = self.body(x).transpose(1, 2)
            h, _ = self.attention(h, h, h)
            return self.head(h.mean(1))
    model = torch.nn.DataParallel(Mix())
    inner = model.module
    return model, [{"params": list(inner.body.parameters()), "lr": 2e-3},
                   {"params": list(inner.attention.parameters()) + list(inner.head.parameters())}]


def _mindspore_mix(ms):
    nn, ops = ms.nn, ms.ops

    class Mix(nn.Cell):
        def __init__(self):
            super().__init__()
            self.body = nn.SequentialCell([nn.Identity(), nn.Conv1d(4, 8, 3, pad_mode="pad", padding=1,
                                                                    has_bias=True),
                                           nn.GroupNorm(2, 8), nn.PReLU(8)])
            self.attention = nn.MultiheadAttention(8, 2, batch_first=True)
            self.head = nn.Dense(8, 2)

        def construct(self, x):
            h = ops.transpose(self.body(x), (0, 2, 1))
            h, _ = self.attention(h, h, h)
            return self.head(h.mean(1))
    return Mix(), [("body.", 2e-3), ("", 1e-2)]


def _torch_text(torch):
    nn = torch.nn

    class TextClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(50, 8, padding_idx=0)
            self.encoder = nn.LSTM(8, 6, num_layers=2, bidirectional=True, batch_first=True)
            self.norm = nn.LayerNorm(12)
            self.head = nn.Sequential(nn.Linear(12, 16), nn.BatchNorm1d(16), nn.PReLU(), nn.Dropout(0.3),
                                      nn.Linear(16, 3))

        def forward(self, tokens):
            out, _ = self.encoder(self.embed(tokens))
            return self.head(self.norm(out.mean(1)))
    model = TextClassifier()
    model.embed.weight.requires_grad_(False)
    body = list(model.encoder.parameters()) + list(model.norm.parameters())
    return model, [{"params": body, "lr": 1e-3, "etas": (0.4, 1.3), "step_sizes": (1e-5, 1.0)},
                   {"params": list(model.head.parameters()), "lr": 1e-2}]


def _mindspore_text(ms, layernorm_epsilon=1e-5):
    nn = ms.nn

    class TextClassifier(nn.Cell):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(50, 8, padding_idx=0)
            self.encoder = nn.LSTM(8, 6, num_layers=2, bidirectional=True, batch_first=True)
            self.norm = nn.LayerNorm((12,), epsilon=layernorm_epsilon)
            self.head = nn.SequentialCell([nn.Dense(12, 16), nn.BatchNorm1d(16), nn.PReLU(), nn.Dropout(p=0.3),
                                           nn.Dense(16, 3)])

        def construct(self, tokens):
            out, _ = self.encoder(self.embed(tokens))
            return self.head(self.norm(out.mean(1)))
    net = TextClassifier()
    net.embed.embedding_table.requires_grad = False
    # (name prefixes, the group's settings): per-group etas and step_sizes, as torch's groups
    return net, [(("encoder.", "norm."), {"lr": 1e-3, "etas": (0.4, 1.3), "step_sizes": (1e-5, 1.0)}),
                 (("head.",), {"lr": 1e-2})]


def inputs(name, rng):
    if name == "text":
        return rng.integers(0, 50, (16, 9)).astype(np.int64), rng.integers(0, 3, 16).astype(np.int64)
    if name == "cnn":
        return rng.standard_normal((4, 3, 6, 6)).astype(np.float32), rng.standard_normal((4, 4)).astype(np.float32)
    if name == "seq":
        return rng.integers(0, 20, (4, 7)).astype(np.int64), rng.standard_normal((4, 3)).astype(np.float32)
    return rng.standard_normal((4, 4, 5)).astype(np.float32), rng.standard_normal((4, 2)).astype(np.float32)


TORCH = {"cnn": _torch_cnn, "seq": _torch_seq, "mix": _torch_mix, "text": _torch_text}
MINDSPORE = {"cnn": _mindspore_cnn, "seq": _mindspore_seq, "mix": _mindspore_mix, "text": _mindspore_text}


def mindspore_groups(net, spec):
    """MindSpore parameter groups from (name prefix, lr) pairs: every trainable parameter goes to the
    first group whose prefix its name starts with."""
    groups = [{"params": [], "lr": lr} for _, lr in spec]
    for param in net.trainable_params():
        index = next(i for i, (prefix, _) in enumerate(spec) if param.name.startswith(prefix))
        groups[index]["params"].append(param)
    return [g for g in groups if g["params"]]
