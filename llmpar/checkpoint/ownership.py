"""A `--save` folder belongs to one run.

- A folder that already holds complete checkpoints is refused by a new run, unless the run resumes from that
  folder (`--resume DIR`, or one of its step folders) or is a restart of the same job (the launcher restarted
  its workers; they resume from the folder's latest checkpoint by themselves).
- While a run writes to a folder it holds an exclusive lock on it (flock on the folder; the kernel drops it when
  the process ends, however it ends), so a second run started on the same folder at the same time is refused.
"""

from __future__ import annotations

import os

from llmpar.errors import UserError


def restart_count() -> int:
    """How many times the launcher has restarted this job's workers (0: the first attempt)."""
    try:
        return int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0"))
    except ValueError:
        return 0


def resume_after_restart(cfg) -> bool:
    """A restarted worker continues from the latest complete checkpoint in --save, if there is one (whatever
    the first attempt started from). Returns whether it does."""
    from llmpar.checkpoint.format import complete_steps

    if restart_count() == 0 or not cfg.save or not complete_steps(cfg.save):
        return False
    cfg.resume, cfg.init = cfg.save, None
    return True


def _within(path: str, root: str) -> bool:
    path, root = os.path.realpath(path), os.path.realpath(root)
    return path == root or os.path.dirname(path) == root


def check_save_folder(save: str, resume: str | None) -> None:
    """Refuse a --save folder that holds another run's checkpoints (see the module's docstring)."""
    from llmpar.checkpoint.format import complete_steps

    steps = [step for step, _ in complete_steps(save)]
    if not steps or (resume is not None and _within(resume, save)):
        return
    held = f"step {steps[0]}" if len(steps) == 1 else f"steps {steps[0]} to {steps[-1]}"
    raise UserError(
        f"--save {save} already holds checkpoints of a run ({held}); "
        f"to continue that run add --resume {save}, to start a new one give --save another folder"
    )


class FolderLock:
    """An exclusive lock on a --save folder for the life of the run (or until `release`): flock on the folder
    itself, so nothing is added to it. Where the file system cannot lock (some network file systems), the run
    goes on unlocked."""

    def __init__(self, folder: str):
        import errno
        import fcntl

        os.makedirs(folder, exist_ok=True)
        self.fd: int | None = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(self.fd)
            self.fd = None
            if e.errno in (errno.EWOULDBLOCK, errno.EACCES):
                raise UserError(
                    f"--save {folder}: another llmpar run is writing checkpoints there now; wait for it "
                    f"to end, or give --save another folder"
                ) from None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()
