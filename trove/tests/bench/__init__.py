"""The benchmark of the MongoDB plugin against raw pymongo (tools/bench.py).

Each module has one job: :mod:`timing` interleaves and summarises
measurements, :mod:`baseline` is the raw pymongo floor, :mod:`recording`
checks that plugin and baseline send the server the same commands,
:mod:`cases` holds the measured scenarios, :mod:`rpc` runs the guest
agent over RabbitMQ for the RPC figures, :mod:`memory` measures the
agent's peak memory, and :mod:`report` prints the tables.
"""
