"""`--tensorboard DIR`: the metrics line's quantities as TensorBoard scalars, written by rank 0 and flushed at every
step, so that a run's curves can be watched while it trains. An optional dependency (the `tensorboard` extra).

One scalar per number of the metrics line, tagged as its key (`comm_bytes/dp` for each mesh axis), at the line's
`step`; `mfu` when it is not null; at the end `val_loss` and `val_accuracy` when validation ran, at the last step.
TensorBoard keeps scalars in 32 bits: the values are the metrics line's rounded to float32 (float64 tensors, which
would hold them exactly, are not shown by TensorBoard's default reader, tensorboard-data-server 0.7).

An existing folder is written into with a new event file. A new run hides the events the folder already shows
(TensorBoard's purge: the older files stay on disk, their steps from 1 on are dropped from the display), as
`--metrics` starts its file afresh; a run that resumes at step k keeps the steps 1..k shown and replaces the
later ones, as `--metrics` keeps its lines 1..k. (TensorBoard's default reader purges tag by tag, where a tag
goes back in steps: an older run's `val_loss` stays shown after a new run that has none, --eval-sequences 0.)
"""

from __future__ import annotations

from llmpar.errors import UserError

MISSING = "--tensorboard needs the tensorboard package; install it with: pip install 'llmpar[tensorboard]'"

# The metrics line's numbers, besides comm_bytes (one scalar per axis). `step` is the global step, `tokens` a
# constant of the run; `layout` and `timeline` are not numbers.
SCALARS = (
    "loss",
    "grad_norm",
    "lr",
    "step_time_s",
    "tokens_per_s",
    "mfu",
    "model_state_bytes",
    "activation_bytes",
    "peak_mem_bytes",
    "bubble_fraction",
)


def check_available() -> None:
    """The tensorboard package is installed and torch can write with it; a UserError otherwise (before any worker
    starts)."""
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        raise UserError(MISSING) from None
    try:
        from torch.utils.tensorboard import SummaryWriter  # noqa: F401
    except ImportError as e:  # installed, but too old for torch (or broken)
        raise UserError(
            f"--tensorboard: torch cannot write with the installed tensorboard package ({e}); upgrade it with: "
            f"pip install -U 'llmpar[tensorboard]'"
        ) from None


class TensorBoardWriter:
    """Writes each metrics line as scalars (rank 0 only: `folder` None writes nothing), flushed at every step.

    `start_step`: the step the run resumes from (0: a new run). Events of earlier runs in the folder at steps after
    it are purged from TensorBoard's display (see the module's docstring)."""

    def __init__(self, folder: str | None, start_step: int = 0):
        self.writer = None
        if folder:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(log_dir=folder, purge_step=start_step + 1)

    def write(self, record: dict) -> None:
        """One metrics line: a scalar per number, at global step `record["step"]`."""
        if self.writer is None:
            return
        step = record["step"]
        for key in SCALARS:
            if record[key] is not None:  # mfu is null where there is no peak to compare with
                self.writer.add_scalar(key, record[key], step)
        for axis, n in record["comm_bytes"].items():
            self.writer.add_scalar(f"comm_bytes/{axis}", n, step)
        self.writer.flush()  # at every step: the curves are watched live

    def write_validation(self, step: int, val_loss: float | None, val_accuracy: float | None) -> None:
        """The end-of-run validation loss and next-token accuracy, at the last step (when they were computed)."""
        if self.writer is None:
            return
        if val_loss is not None:
            self.writer.add_scalar("val_loss", val_loss, step)
        if val_accuracy is not None:
            self.writer.add_scalar("val_accuracy", val_accuracy, step)
        self.writer.flush()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
