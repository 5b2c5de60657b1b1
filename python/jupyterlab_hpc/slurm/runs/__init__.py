"""Notebook runs: a notebook, or a parameter sweep of it, as one Slurm job (array) run by papermill.

- :mod:`.parameters`: the notebook's parameters (papermill's inference) and typed values
- :mod:`.sweep`: grid / zip expansion, ranges, the ``--array`` value
- :mod:`.script`: the job script and the run's files (parameter sets, notebook snapshot)
- :mod:`.task`: what runs in the job (picks its parameter set, calls papermill)
- :mod:`.states`: a task's state from the queue, accounting or its output notebook
- :mod:`.outputs`: reading output notebooks (progress, the failing cell's error)
- :mod:`.store`: the user's runs, kept across restarts
- :mod:`.service`: submit, list, detail and re-run, used by :mod:`.handlers`
"""
