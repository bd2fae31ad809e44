"""Pipeline parallelism: schedules as data, their checker and simulator, the stage split and the executor."""
