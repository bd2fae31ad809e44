"""Pipeline parallelism: schedules as data, their checker, the stage split, the executor and the timeline plot.
(The simulator that times a schedule is the cost model's: `llmpar.plan.cost.simulator`.)"""
