import torch

from llmpar.comm import Comm
from llmpar.mesh import Mesh
from llmpar.model import PRESETS, build_model
from llmpar.parallel import DataParallel
from llmpar.train.metrics import SavedTensorMeter, unique_bytes


def test_saved_tensor_meter_counts_activations_once_and_not_parameters():
    w = torch.nn.Parameter(torch.randn(8, 8, dtype=torch.float64))
    x = torch.randn(4, 8, dtype=torch.float64, requires_grad=True)
    meter = SavedTensorMeter([w])
    with meter.hooks():
        h = x @ w  # saves x and w (w is a parameter: not counted)
        a = h.relu()  # saves its output a
        y = (a * a).sum()  # saves a twice: one storage, counted once
    assert meter.current == x.nbytes + a.nbytes == 2 * 4 * 8 * 8
    y.backward()
    del h, a, y
    assert meter.current == 0 and meter.peak == 512
    meter.reset_peak()
    assert meter.peak == 0


def test_model_state_bytes_is_weights_grads_and_two_adam_moments():
    model = build_model(PRESETS["tiny"], seed=0)
    engine = DataParallel(model, Comm(Mesh(dp=1)), lr=1e-3, weight_decay=0.1)
    engine.zero_grad()
    engine.start_micro_batch(last=True)
    model(torch.randint(0, 256, (2, 8))).sum().backward()
    engine.end_micro_batch(last=True)
    engine.step(1e-3)
    n = PRESETS["tiny"].num_params()
    steps = sum(1 for _ in model.parameters()) * 4  # AdamW's per-tensor step counters
    assert unique_bytes(engine.held_tensors()) == 4 * n * 4 + steps


def test_unique_bytes_counts_views_of_one_buffer_once():
    buf = torch.zeros(100)
    assert unique_bytes([buf[:10], buf[10:], buf]) == 400
