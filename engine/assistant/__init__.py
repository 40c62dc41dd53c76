"""Customer mode: the self-service assistant (identify, solve the issue, and only then maybe one offer).

``mode`` takes the turn; ``behaviours`` are the closed registries a call type names; ``identification``,
``topics``, ``offers`` and ``retention`` do the steps; ``state`` is what it keeps between turns.
"""
