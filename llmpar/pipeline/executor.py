"""One executor for every schedule: it runs a rank's action list, in order.

    recv_f / recv_b   post a non-blocking receive into a fresh buffer
    F                 wait for the input (if received), run the chunk; on the last chunk, the loss
    B                 wait for the output gradient (if received), backpropagate through the chunk
    W                 the deferred weight gradients of a B ("zb" schedule)
    send_f / send_b   post a non-blocking send of the output or of the input's gradient

Transfers are posted as soon as the list reaches them and only the computations that need a received tensor
wait for it, so a send overlaps whatever the rank computes next. The list was checked before the run: every
send has its receive, in the same order, and nothing can wait forever. Each compute action's start and end are
recorded: the rank's timeline, from which the bubble is measured.

With one pipeline stage the schedule is simply F, B for each micro-batch: every layout runs here.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

import torch

from llmpar.pipeline.schedules import Action

if TYPE_CHECKING:
    from llmpar.parallel.parallelize import ParallelModel


class PipelineExecutor:
    """Runs `pm`'s schedule on this rank. `micro_batch_shape`: (micro-batch size, sequence length); `dtype`: the
    activations' (the parameters': bf16 in a bf16 run), which the receive buffers take."""

    def __init__(self, pm: ParallelModel, micro_batch_shape: tuple[int, int], dtype: torch.dtype):
        self.schedule, self.comm, self.engine = pm.schedule, pm.comm, pm.engine
        self.rank = pm.mesh.coords["pp"]
        self.chunks = {c.index: c for c in pm.chunks}
        self.loss_fn, self.dtype, self.device = pm.tp.cross_entropy_sum, dtype, pm.device
        self.meter, self.deferred = pm.meter, pm.deferred
        # tp under sequence parallelism: the activations between stages hold 1/tp of the sequence
        self.sequence_shards = pm.tp.size if pm.tp.sequence_parallel else 1
        b, seq = micro_batch_shape
        self.shape = (b, seq // self.sequence_shards, pm.model.cfg.d_model)
        actions = self.schedule.ranks[self.rank]
        self.group = {c.index: g for g, c in enumerate(pm.chunks)}  # a chunk's parameter group in the engine
        # The engine's calls (llmpar.parallel.engine): every backward computation (B; under zero bubble, B and W)
        # is bracketed; the last one that computes weight gradients completes the step's gradient.
        grad_actions = [k for k, a in enumerate(actions) if a.kind == ("W" if self.deferred else "B")]
        self._last_grad_action = grad_actions[-1]

    def run(self, micro_batch, tokens_per_step: int) -> tuple[torch.Tensor, list[tuple]]:
        """One optimizer step's forward and backward passes. `micro_batch(i)` gives micro-batch i's inputs and
        targets. Returns this rank's summed loss (last chunk only, else 0) and its timeline."""
        loss_sum = torch.zeros((), dtype=torch.float64, device=self.device)
        inputs: dict[tuple[int, int], torch.Tensor] = {}  # (micro-batch, chunk) -> a received activation
        outputs: dict[tuple[int, int], torch.Tensor] = {}  # (micro-batch, chunk) -> the output (or the loss)
        received, sends, timeline = {}, [], []
        start = time.perf_counter()
        for k, a in enumerate(self.schedule.ranks[self.rank]):
            if a.kind in ("recv_f", "recv_b"):
                buf = torch.empty(self.shape, dtype=self.dtype, device=self.device)
                received[a.kind, a.micro, a.chunk] = (buf, self.comm.irecv(buf, a.peer))
            elif a.kind == "send_f":
                sends.append(self.comm.isend(outputs[a.micro, a.chunk].detach().contiguous(), a.peer))
            elif a.kind == "send_b":
                grad = inputs.pop((a.micro, a.chunk)).grad
                assert grad is not None  # the B before this send computed it
                sends.append(self.comm.isend(grad.contiguous(), a.peer))
            else:
                chunk = self.chunks[a.chunk]
                x = self._wait(received, "recv_f", a) if a.kind == "F" and not chunk.first else None
                g = self._wait(received, "recv_b", a) if a.kind == "B" and not chunk.last else None
                t0 = time.perf_counter()
                if a.kind == "F":
                    loss = self._forward(a, chunk, x, micro_batch, tokens_per_step, inputs, outputs)
                    if loss is not None:
                        loss_sum += loss
                else:
                    self._gradients(a, k, chunk, g, outputs)
                timeline.append((a.kind, a.micro, a.chunk, t0 - start, time.perf_counter() - start))
        # The step's last reductions, once every transfer is posted: a sum across stages (a tied embedding) must
        # not wait inside a backward pass for a stage that waits for this one's gradient.
        self.engine.end_micro_batch(True)
        for handle in sends:
            handle.wait()
        return loss_sum, timeline

    @staticmethod
    def _wait(received: dict, kind: str, a: Action) -> torch.Tensor:
        buf, handle = received.pop((kind, a.micro, a.chunk))
        handle.wait()
        return buf

    def _forward(self, a, chunk, x, micro_batch, tokens_per_step, inputs, outputs):
        tokens, targets = micro_batch(a.micro)
        if chunk.first:
            x = tokens.to(self.device)
        else:
            x.requires_grad_(True)
            inputs[a.micro, a.chunk] = x
        deferral = self.deferred.collect(a.micro, a.chunk) if self.deferred else contextlib.nullcontext()
        with self.meter.hooks(), deferral:
            out = chunk(x)
            if chunk.last:  # summed cross-entropy over the global token count: the sum over all is the mean
                out = self.loss_fn(out, targets.to(self.device)) / tokens_per_step
        outputs[a.micro, a.chunk] = out
        return out.detach().double() if chunk.last else None

    def _gradients(self, a, k, chunk, grad, outputs) -> None:
        """A B (the backward pass; under zero bubble, without the linear layers' weight gradients) or a W (those
        weight gradients), inside the engine's calls. Under zero bubble a B leaves its gradients for the W that
        follows, which completes the chunk's micro-batch."""
        last = k == self._last_grad_action
        completes = a.kind == "W" or not self.deferred  # this chunk's gradient of the micro-batch is whole after it
        self.engine.start_micro_batch(last, self.group[a.chunk], completes)
        if a.kind == "W":
            assert self.deferred is not None  # W actions come with the zero-bubble schedule, which defers
            self.deferred.apply(a.micro, a.chunk)
        else:
            out = outputs.pop((a.micro, a.chunk))
            if chunk.last:
                out.backward()
            else:
                torch.autograd.backward(out, grad)
        if not last:  # the last one ends with the step, once every transfer is posted (run)
            self.engine.end_micro_batch(False)

    def forward_only(self, tokens: torch.Tensor, targets: torch.Tensor | None = None) -> torch.Tensor | None:
        """One sequence batch through the pipeline without gradients, chunk after chunk (validation, sampling).
        Returns the last chunk's output on its rank (the summed loss if targets are given, else logits)."""
        p = self.schedule.stages
        x, result = None, None
        for c in range(self.schedule.chunks):
            if c % p != self.rank:
                continue
            chunk = self.chunks[c]
            if chunk.first:
                x = tokens.to(self.device)
            else:  # the shape of this batch, which need not be a training micro-batch's
                shape = (tokens.size(0), tokens.size(1) // self.sequence_shards, self.shape[2])
                x = torch.empty(shape, dtype=self.dtype, device=self.device)
                self.comm.irecv(x, (c - 1) % p).wait()
            with torch.no_grad():
                out = chunk(x)
                if chunk.last:
                    result = self.loss_fn(out, targets.to(self.device)) if targets is not None else out
                else:
                    self.comm.isend(out.contiguous(), (c + 1) % p).wait()
        return result
